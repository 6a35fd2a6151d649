export { EnrollmentService, fullOwnerRef } from './EnrollmentService';
export type { Requester } from './EnrollmentService';
export { GitHubConfigRepository } from './GitHubConfigRepository';
export { GitHubRequestError } from './githubErrors';
export { readEnrollmentConfig } from './readEnrollmentConfig';
export type { EnrollmentConfig } from './readEnrollmentConfig';
export { SourceChecker } from './SourceChecker';
export { executorPlatforms } from './executorPlatforms';
