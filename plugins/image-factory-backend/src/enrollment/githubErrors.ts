import { CustomErrorBase } from '@backstage/errors';

/**
 * A GitHub failure in the words of the person who has to fix it, with the
 * HTTP status the factory answers: 503 when the factory's GitHub setup is
 * wrong (credentials, repository, permissions, branch protection), 429 when
 * GitHub's rate limit is hit, 502 when GitHub keeps failing.
 */
export class GitHubRequestError extends CustomErrorBase {
  name = 'GitHubRequestError' as const;
  /** GitHub's own status, when GitHub answered. */
  githubStatus?: number;
  constructor(
    message: string,
    readonly statusCode: number,
    /** Seconds to wait before trying again, for a rate limit. */
    readonly retryAfterSeconds?: number,
  ) {
    // No cause: Octokit's error carries request details that do not belong in answers.
    super(message);
  }
}

/** What the failed request tried to do, for messages. */
export interface GitHubRequestContext {
  /** E.g. `create the branch image-factory/enroll-web`. */
  action: string;
  /** `owner/repo`. */
  repo: string;
  host: string;
}

interface OctokitLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
  code?: string;
  cause?: { code?: string };
}

function header(error: OctokitLikeError, name: string) {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** GitHub's own words, without the documentation link Octokit appends. */
function githubMessage(error: OctokitLikeError) {
  return (error.message ?? 'unknown error').replace(/ - https:\/\/\S+$/, '');
}

/** Seconds until a rate limit lifts, from `retry-after` or `x-ratelimit-reset`. */
export function secondsUntilRetry(
  error: OctokitLikeError,
  now = Date.now(),
): number | undefined {
  const retryAfter = Number(header(error, 'retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter;
  if (header(error, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(error, 'x-ratelimit-reset'));
    if (Number.isFinite(reset)) {
      return Math.max(0, Math.ceil(reset - now / 1000));
    }
  }
  return undefined;
}

/** A rate limit: 429, or 403 with an exhausted or secondary limit. */
export function isRateLimited(error: OctokitLikeError) {
  if (error.status === 429) return true;
  if (error.status !== 403) return false;
  return (
    header(error, 'x-ratelimit-remaining') === '0' ||
    header(error, 'retry-after') !== undefined ||
    /rate limit/i.test(error.message ?? '')
  );
}

/** 5xx answers and failures to reach GitHub at all; worth a bounded retry. */
export function isTransient(error: OctokitLikeError) {
  return error.status === undefined || error.status >= 500;
}

/** Turns an Octokit failure into a {@link GitHubRequestError} that says what to fix. */
export function toGitHubRequestError(
  error: OctokitLikeError,
  context: GitHubRequestContext,
  attempts = 1,
): GitHubRequestError {
  const mapped = describe(error, context, attempts);
  mapped.githubStatus = error.status;
  return mapped;
}

function describe(
  error: OctokitLikeError,
  context: GitHubRequestContext,
  attempts: number,
): GitHubRequestError {
  const { action, repo, host } = context;
  const said = githubMessage(error);
  const status = error.status;
  if (status === undefined) {
    const code = error.code ?? error.cause?.code ?? said;
    return new GitHubRequestError(
      `Could not reach GitHub at ${host} to ${action} (${code}) after ${attempts} attempt(s)`,
      502,
    );
  }
  if (status === 401) {
    return new GitHubRequestError(
      `GitHub rejected the Image Factory's credentials for ${host} (${said}): fix the token or GitHub App of integrations.github for that host`,
      503,
    );
  }
  if (isRateLimited(error)) {
    const wait = secondsUntilRetry(error);
    return new GitHubRequestError(
      `GitHub's rate limit for the Image Factory's credentials is used up; try again${
        wait !== undefined ? ` in ${wait} s` : ' later'
      }`,
      429,
      wait,
    );
  }
  if (status === 404) {
    return new GitHubRequestError(
      `Could not ${action}: GitHub answers 404 Not Found for ${repo} on ${host}, which means the repository does not exist or the credentials cannot see or write to it (GitHub hides both behind 404). Check imageFactory.enrollment.target and give the credentials "contents: write" and "pull requests: write" on ${repo} (or the classic "repo" scope)`,
      503,
    );
  }
  if (status === 403) {
    return new GitHubRequestError(
      `GitHub refused to ${action} in ${repo} (${said}): the credentials need "contents: write" and "pull requests: write" on it (or the classic "repo" scope)`,
      503,
    );
  }
  if (status === 409 && /pull request|protected|rule/i.test(said)) {
    return new GitHubRequestError(
      `Branch protection in ${repo} refused to ${action} (${said}): let the Image Factory's credentials push to branches named image-factory/*`,
      503,
    );
  }
  if (status >= 500) {
    return new GitHubRequestError(
      `GitHub failed to ${action} in ${repo}: ${status} ${said}, after ${attempts} attempt(s)`,
      502,
    );
  }
  return new GitHubRequestError(
    `GitHub refused to ${action} in ${repo}: ${status} ${said}`,
    502,
  );
}
