import { FaultInjection } from './faults';

/**
 * A repository to create when the server starts.
 *
 * @public
 */
export interface GitHubTestRepoSeed {
  owner: string;
  name: string;
  /** Files of the first commit on the default branch, by path. Default: a README.md. */
  files?: Record<string, string | Buffer>;
  /** Paths of `files` committed as executables (mode 100755), e.g. a build's tool. */
  executables?: string[];
  /** Default `main`. */
  defaultBranch?: string;
  private?: boolean;
}

/**
 * A container package (an image on ghcr.io) and its versions, listed by
 * `GET /orgs/{org}/packages/container/{package_name}/versions` or
 * `GET /users/{username}/packages/container/{package_name}/versions`.
 *
 * @public
 */
export interface GitHubTestPackageSeed {
  owner: string;
  /** Whether the owner is an organization (`/orgs/…`) or a user (`/users/…`). Default `org`. */
  ownerType?: 'org' | 'user';
  /** The image path below the owner (`app`, `tools/builder`). */
  name: string;
  /** The versions in push order: the last one is the newest. */
  versions: Array<{
    /** The manifest or index digest, GitHub's version `name`. */
    digest: string;
    /** Default: none (an untagged version). */
    tags?: string[];
    /** ISO 8601. Default: when the package was created. */
    createdAt?: string;
    /** ISO 8601. Default: `createdAt`. */
    updatedAt?: string;
  }>;
}

/**
 * Options of {@link startGitHubTestServer}.
 *
 * @public
 */
export interface GitHubTestServerOptions {
  /** The port to listen on (127.0.0.1). Default: a free port. */
  port?: number;
  /** The only token the server accepts. Default `test-token`. */
  token?: string;
  /** The login of the token's user. Default `image-factory-bot`. */
  login?: string;
  /** The token's permission on every repository. Default `admin`. */
  permission?: 'admin' | 'write' | 'read';
  /**
   * How a write is refused when `permission` is `read`: `not-found` (404, as
   * GitHub answers classic tokens) or `forbidden` (403 `Resource not accessible
   * by personal access token`, as for fine-grained tokens). Default `not-found`.
   */
  writeDenial?: 'not-found' | 'forbidden';
  /**
   * The OAuth scopes of the token (sent in `x-oauth-scopes`). The package
   * endpoints answer 403 without `read:packages`. Default `['repo', 'read:packages']`.
   */
  scopes?: string[];
  /** Container packages to create at start (kept in memory only, not in `dataDir`). */
  packages?: GitHubTestPackageSeed[];
  /** Repositories to create at start (unless `dataDir` already holds them). */
  repos?: GitHubTestRepoSeed[];
  /**
   * Where to keep the repositories, pull requests and labels across restarts.
   * Default: a temporary directory, deleted on stop.
   */
  dataDir?: string;
  /** Where to POST `pull_request` webhooks, and the secret to sign them with. */
  webhook?: { url: string; secret: string };
}

/**
 * Something the server saw that the real GitHub API would not accept or
 * produce: a request that breaks the OpenAPI description, a response or
 * webhook payload that does not match it, or an operation the server lacks.
 *
 * @public
 */
export interface GitHubTestViolation {
  kind: 'request' | 'response' | 'webhook' | 'unimplemented' | 'server-error';
  method: string;
  path: string;
  /** The matched operation's path template, e.g. `/repos/{owner}/{repo}/pulls`. */
  operation?: string;
  status?: number;
  /** One line per schema problem: `path: message`. */
  issues: string[];
}

/**
 * A webhook the server sent or tried to send.
 *
 * @public
 */
export interface GitHubTestWebhookDelivery {
  id: string;
  event: string;
  action: string;
  payload: Record<string, unknown>;
  /** The receiver's status code; undefined if it could not be reached. */
  status?: number;
  error?: string;
}

/**
 * A running GitHub test server.
 *
 * @public
 */
export interface GitHubTestServer {
  /** The REST API root, like GitHub Enterprise's `/api/v3`; pass it to Octokit as `baseUrl`. */
  baseUrl: string;
  /** The web root that `html_url`s point at. */
  webUrl: string;
  /** The token the server accepts. */
  token: string;
  /** Stops listening, waits for webhooks under way and deletes the git repositories (unless kept in `dataDir`). */
  stop(): Promise<void>;
  /** Creates a repository whose default branch holds `files` in one commit. */
  createRepo(
    owner: string,
    name: string,
    files?: Record<string, string | Buffer>,
  ): Promise<void>;
  /** Creates or replaces a container package and its versions. */
  createPackage(seed: GitHubTestPackageSeed): void;
  /** Reads a file from a branch, tag or commit sha; undefined if absent. */
  readFile(
    owner: string,
    repo: string,
    ref: string,
    path: string,
  ): Promise<string | undefined>;
  /** Merges an open pull request as its reviewer would, sending the webhook; returns the merge commit. */
  mergePullRequest(
    owner: string,
    repo: string,
    number: number,
  ): Promise<string>;
  /** Closes an open pull request without merging it, sending the webhook. */
  closePullRequest(owner: string, repo: string, number: number): Promise<void>;
  /** Protects a branch: direct writes and its deletion are refused as on GitHub. */
  protectBranch(owner: string, repo: string, branch: string): void;
  /** Answers the next request(s) with a rate limit or a server error. */
  injectFault(fault: FaultInjection): void;
  /** Lists the branches of a repository (without `refs/heads/`). */
  listBranches(owner: string, repo: string): Promise<string[]>;
  /** The bare git repository's directory, e.g. to `git clone` it. */
  repoPath(owner: string, repo: string): string;
  /** Everything the server saw that the real API would refuse or never send. */
  violations(): GitHubTestViolation[];
  /** The webhooks sent so far. */
  webhookDeliveries(): GitHubTestWebhookDelivery[];
  /** Waits until the webhooks under way are delivered. */
  flushWebhooks(): Promise<void>;
  /**
   * Sets where later `pull_request` webhooks go (for a receiver started after
   * the server); undefined stops sending them.
   */
  setWebhook(webhook: { url: string; secret: string } | undefined): void;
}
