import { InputError } from '@backstage/errors';

/** The adapter's id, also named in the errors it throws for the caller to fall back. */
export const GHCR_ADAPTER_ID = 'ghcr';
/** The one registry host whose packages GitHub's REST API describes. */
export const GHCR_HOST = 'ghcr.io';

/** `owner/package` → owner, package (the package name may hold more slashes). */
export function splitGhcrRepository(repository: string): {
  owner: string;
  packageName: string;
} {
  const slash = repository.indexOf('/');
  if (slash <= 0 || slash === repository.length - 1) {
    throw new InputError(
      `repository: GHCR repositories are 'owner/package', got '${repository}'`,
    );
  }
  return {
    owner: repository.slice(0, slash),
    packageName: repository.slice(slash + 1),
  };
}
