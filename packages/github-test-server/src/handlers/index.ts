import { downloadTarball, getCombinedStatus } from './archives';
import { createComment, listComments } from './comments';
import { getContent, putContent } from './contents';
import { listOrgPackageVersions, listUserPackageVersions } from './packages';
import { createCommit, createTree, getGitCommit, updateRef } from './gitData';
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
  'patch /repos/{owner}/{repo}/git/refs/{ref}': updateRef,
  'get /repos/{owner}/{repo}/git/commits/{commit_sha}': getGitCommit,
  'post /repos/{owner}/{repo}/git/commits': createCommit,
  'post /repos/{owner}/{repo}/git/trees': createTree,
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
  'post /repos/{owner}/{repo}/issues/{issue_number}/comments': createComment,
  'get /repos/{owner}/{repo}/issues/{issue_number}/comments': listComments,
  'get /orgs/{org}/packages/{package_type}/{package_name}/versions':
    listOrgPackageVersions,
  'get /users/{username}/packages/{package_type}/{package_name}/versions':
    listUserPackageVersions,
};
