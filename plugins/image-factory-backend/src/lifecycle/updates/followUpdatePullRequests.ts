import { assertError } from '@backstage/errors';
import { githubCall, octokitFor, OctokitSource } from './githubCall';

/** A pull request's state as GitHub tells it, or why it could not be read. */
export interface UpdatePullRequestState {
  repository: string;
  number: number;
  state?: 'open' | 'merged' | 'closed';
  error?: string;
}

/**
 * Reads the state of each update pull request (`pulls.get`): `merged` once
 * merged, `closed` when closed without merging, else `open`. One that
 * cannot be read gets an `error` and no state; the others are still read.
 */
export async function followUpdatePullRequests(options: {
  octokit: OctokitSource;
  records: Array<{ repository: string; number: number }>;
}): Promise<UpdatePullRequestState[]> {
  const states: UpdatePullRequestState[] = [];
  for (const { repository, number } of options.records) {
    try {
      const [owner, repo] = repository.split('/');
      const octokit = await octokitFor(options.octokit, repository);
      const pr = await githubCall(
        repository,
        `read pull request #${number}`,
        () => octokit.rest.pulls.get({ owner, repo, pull_number: number }),
      );
      let state: UpdatePullRequestState['state'] = 'open';
      if (pr.data.state !== 'open') {
        state = pr.data.merged_at ? 'merged' : 'closed';
      }
      states.push({ repository, number, state });
    } catch (error) {
      assertError(error);
      states.push({ repository, number, error: error.message });
    }
  }
  return states;
}
