import { ConflictError } from '@backstage/errors';
import {
  Enrollment,
  EnrollmentAction,
} from '@image-factory/plugin-image-factory-common';
import { EnrollmentStore } from '../database/EnrollmentStore';
import { ConfigList } from './configLists';
import { GitHubConfigRepository } from './GitHubConfigRepository';
import { PullRequestFollower } from './PullRequestFollower';
import { sameEntry } from './sameEntry';

/**
 * An open request for the very same change, still open on GitHub, to answer
 * with instead of a new pull request. One that GitHub has closed is settled
 * first, and one stuck in a conflict the factory made is closed, so that the
 * caller opens a new one; a different open change of the image is a
 * `ConflictError` naming its pull request.
 */
export async function findSameOpenRequest(
  deps: {
    repository: GitHubConfigRepository;
    store: EnrollmentStore;
    follower: Pick<PullRequestFollower, 'settle'>;
  },
  action: EnrollmentAction,
  name: string,
  entry: Record<string, unknown> | undefined,
  list: ConfigList,
): Promise<Enrollment | undefined> {
  const open = await deps.store.findOpen(action, name, list.subject);
  if (!open) return undefined;
  const pr = await deps.repository.getPullRequest(open.pullRequest.number);
  if (pr.state !== 'open') {
    await deps.follower.settle(open, pr.state);
    return undefined;
  }
  if (open.sync?.state === 'conflict') {
    // A dead end the factory made: asking again replaces it.
    await deps.repository.comment(
      open.pullRequest.number,
      `Closed by the Image Factory: the same change was asked for again, and a new pull request starts from ${list.file} as it is now.`,
    );
    await deps.repository.closePullRequest(open.pullRequest.number);
    await deps.follower.settle(open, 'closed');
    return undefined;
  }
  if (action === 'unenroll' || sameEntry(open.entry, entry)) return open;
  throw new ConflictError(
    `A different pull request to ${action} ${name} is already open: ${open.pullRequest.url}; merge or close it first`,
  );
}
