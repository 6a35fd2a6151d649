/**
 * A local GitHub REST API test server over real bare git repositories, for the
 * Image Factory's tests and dev mode. Every request, response and webhook is
 * validated against GitHub's own OpenAPI description.
 *
 * @packageDocumentation
 */

export { startGitHubTestServer } from './startGitHubTestServer';
export { signWebhookBody } from './webhooks';
export type { FaultInjection } from './faults';
export type {
  GitHubTestPackageSeed,
  GitHubTestRepoSeed,
  GitHubTestServer,
  GitHubTestServerOptions,
  GitHubTestViolation,
  GitHubTestWebhookDelivery,
} from './types';
