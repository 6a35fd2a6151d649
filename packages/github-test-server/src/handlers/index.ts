import { downloadTarball, getCombinedStatus } from './archives';
import { getContent, putContent } from './contents';
import {
  addLabels,
  createPull,
  getPull,
  listPulls,
  mergePull,
  requestReviewers,
  updatePull,
} from './pulls';
import {
  createRef,
  deleteRef,
  getAuthenticatedUser,
  getRef,
  getRepository,
} from './reposAndGit';
import { Handler } from './types';

export { CODELOAD_PREFIX } from './archives';
export type { Handler, HandlerResult, RequestContext } from './types';

/** The implemented operations, keyed by `method template` as in the OpenAPI description. */
export const handlers: Record<string, Handler> = {
  'get /user': getAuthenticatedUser,
  'get /repos/{owner}/{repo}': getRepository,
  'get /repos/{owner}/{repo}/git/ref/{ref}': getRef,
  'post /repos/{owner}/{repo}/git/refs': createRef,
  'delete /repos/{owner}/{repo}/git/refs/{ref}': deleteRef,
  'get /repos/{owner}/{repo}/contents/{path}': getContent,
  'get /repos/{owner}/{repo}/commits/{ref}/status': getCombinedStatus,
  'get /repos/{owner}/{repo}/tarball/{ref}': downloadTarball,
  'put /repos/{owner}/{repo}/contents/{path}': putContent,
  'post /repos/{owner}/{repo}/pulls': createPull,
  'get /repos/{owner}/{repo}/pulls': listPulls,
  'get /repos/{owner}/{repo}/pulls/{pull_number}': getPull,
  'patch /repos/{owner}/{repo}/pulls/{pull_number}': updatePull,
  'put /repos/{owner}/{repo}/pulls/{pull_number}/merge': mergePull,
  'post /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers':
    requestReviewers,
  'post /repos/{owner}/{repo}/issues/{issue_number}/labels': addLabels,
};
