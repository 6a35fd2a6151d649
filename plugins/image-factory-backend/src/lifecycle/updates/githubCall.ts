import { assertError, CustomErrorBase } from '@backstage/errors';
import { Octokit } from '@octokit/rest';

/**
 * GitHub for the repositories: one client, or one per repository (a GitHub
 * App has one installation token per organisation).
 */
export type OctokitSource =
  | Octokit
  | ((repository: string) => Promise<Octokit>);

/** The client for one repository. */
export async function octokitFor(
  source: OctokitSource,
  repository: string,
): Promise<Octokit> {
  return typeof source === 'function' ? source(repository) : source;
}

/**
 * A GitHub call for an update pull request that failed, in words that say
 * what to fix; `githubStatus` is GitHub's own answer, when there was one.
 */
export class UpdateRequestError extends CustomErrorBase {
  name = 'UpdateRequestError' as const;
  constructor(message: string, readonly githubStatus?: number) {
    // No cause: Octokit's error carries the request, with its auth header.
    super(message);
  }
}

function advice(status: number | undefined): string {
  if (status === undefined) return 'GitHub could not be reached';
  if (status === 401) return 'GitHub rejected the credentials';
  if (status === 404) {
    return 'the repository or the object does not exist, or the credentials cannot see it';
  }
  if (status === 403 || status === 409) {
    return 'the credentials need "contents: write" and "pull requests: write" on it, and branch protection must let them push image-factory/* branches';
  }
  return 'GitHub refused it';
}

/** Runs one GitHub call; a failure becomes an {@link UpdateRequestError}. */
export async function githubCall<T>(
  repository: string,
  action: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    assertError(error);
    const status = (error as { status?: number }).status;
    // Octokit appends a documentation link that says nothing more.
    const said = error.message.replace(/ - https:\/\/\S+$/, '');
    throw new UpdateRequestError(
      `Could not ${action} in ${repository} (${
        status ?? 'no answer'
      }: ${said}): ${advice(status)}`,
      status,
    );
  }
}
