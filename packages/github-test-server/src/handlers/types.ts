import { GitHubState } from '../GitHubState';
import { RepoPermissions, Urls } from '../payloads';
import { PullState, RepoState, UserState } from '../state';

/** What a handler gets: the matched request, the caller and the server's state. */
export interface RequestContext {
  state: GitHubState;
  urls: Urls;
  user: UserState;
  permissions: RepoPermissions;
  /** The token's OAuth scopes. */
  scopes: string[];
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  /** The repository named by `{owner}/{repo}`, or GitHub's 404. */
  repo(): RepoState;
  /** Throws what GitHub answers when the token may not write to the repository. */
  requireWrite(): void;
  /** Tells the webhook sender that a pull request was closed or merged. */
  pullClosed(repo: RepoState, pr: PullState): void;
}

/** What a handler answers; error answers are thrown as `GitHubHttpError`. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * The file's bytes, for a contents answer asked with the raw media type
   * (`Accept: application/vnd.github.raw`), as Backstage's GithubUrlReader asks.
   */
  raw?: Buffer;
}

/** Implements one operation of GitHub's REST API. */
export type Handler = (ctx: RequestContext) => Promise<HandlerResult>;
