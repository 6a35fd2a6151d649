export { pinImageInFile } from './pinImageInFile';
export type { PinnedImage, PinnedVersion } from './pinImageInFile';
export {
  openUpdatePullRequests,
  updateBranchName,
} from './openUpdatePullRequests';
export type { UpdatePullRequestResult } from './openUpdatePullRequests';
export { followUpdatePullRequests } from './followUpdatePullRequests';
export type { UpdatePullRequestState } from './followUpdatePullRequests';
export type { UpdateDescription } from './describeUpdate';
export type { OctokitSource } from './githubCall';
export { createStageUpdater } from './createStageUpdater';
export { updatesOctokit } from './updatesOctokit';
