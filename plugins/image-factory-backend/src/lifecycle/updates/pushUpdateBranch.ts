import { Octokit } from '@octokit/rest';
import { githubCall, UpdateRequestError } from './githubCall';
import { RepositoryPlan } from './planRepositoryUpdate';

/**
 * Puts the plan's files in ONE commit on top of the base branch's head and
 * points `branch` at it, creating the branch or forcing it (the factory owns
 * it; a pull request on it stays open). The Git data API is used rather than
 * the contents API because it makes one commit for several files and
 * builds it before any ref moves. A branch that holds the same tree on the
 * same base already is left alone, so asking twice makes no new commit.
 */
export async function pushUpdateBranch(
  octokit: Octokit,
  repository: string,
  plan: RepositoryPlan,
  branch: string,
  message: string,
): Promise<void> {
  const { owner, repo, baseSha, baseTree, changed } = plan;
  const tree = await githubCall(repository, 'write the tree', () =>
    octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: baseTree,
      tree: changed.map(file => ({
        path: file.path,
        mode: '100644' as const,
        type: 'blob' as const,
        content: file.text,
      })),
    }),
  );
  const current = await branchHead(octokit, repository, plan, branch);
  if (current) {
    const head = await githubCall(
      repository,
      `read the commit ${current}`,
      () => octokit.rest.git.getCommit({ owner, repo, commit_sha: current }),
    );
    const parents = head.data.parents.map(p => p.sha);
    if (
      head.data.tree.sha === tree.data.sha &&
      parents.length === 1 &&
      parents[0] === baseSha
    ) {
      return;
    }
  }
  const commit = await githubCall(repository, 'write the commit', () =>
    octokit.rest.git.createCommit({
      owner,
      repo,
      message,
      tree: tree.data.sha,
      parents: [baseSha],
    }),
  );
  const sha = commit.data.sha;
  const action = `push the branch ${branch}`;
  if (current) {
    await githubCall(repository, action, () =>
      octokit.rest.git.updateRef({
        owner,
        repo,
        ref: `heads/${branch}`,
        sha,
        force: true,
      }),
    );
  } else {
    await githubCall(repository, action, () =>
      octokit.rest.git.createRef({
        owner,
        repo,
        ref: `refs/heads/${branch}`,
        sha,
      }),
    );
  }
}

async function branchHead(
  octokit: Octokit,
  repository: string,
  { owner, repo }: RepositoryPlan,
  branch: string,
): Promise<string | undefined> {
  try {
    const ref = await githubCall(repository, `read the branch ${branch}`, () =>
      octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
    );
    return ref.data.object.sha;
  } catch (error) {
    if (error instanceof UpdateRequestError && error.githubStatus === 404) {
      return undefined;
    }
    throw error;
  }
}
