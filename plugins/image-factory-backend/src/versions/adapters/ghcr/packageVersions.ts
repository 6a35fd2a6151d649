import { RegistryAdapterContext } from '@image-factory/plugin-image-factory-node';
import { Octokit } from '@octokit/rest';

// GitHub's REST API for packages (https://docs.github.com/rest/packages/packages):
// "List package versions for a package owned by an organization" and "… by a
// user", `GET /orgs/{org}/packages/{package_type}/{package_name}/versions` and
// `GET /users/{username}/packages/…/versions`, paged with `per_page` (max 100),
// `page` and a `Link` header. A container version's `name` is its digest and
// `metadata.container.tags` its tags. The docs say these endpoints need "a
// personal access token (classic)" with `read:packages`: GitHub App
// installation tokens and fine-grained tokens are refused.

/** Whether a package's owner is an organization or a user: the first segment of its API path. */
export type OwnerKind = 'orgs' | 'users';

/** The fields of a package version the adapter reads; GitHub's answer is not trusted to have them. */
export interface PackageVersion {
  name?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
  html_url?: unknown;
  package_html_url?: unknown;
  metadata?: { container?: { tags?: unknown } };
}

/** One page of a package's versions and its `Link` header. */
export interface PackageVersionsPage {
  versions: PackageVersion[];
  link?: string;
}

function quiet() {}

/** An Octokit whose every request goes through the context's `fetch`. */
export function createPackagesClient(options: {
  apiBaseUrl: string;
  token: string | undefined;
  context: RegistryAdapterContext;
}): Octokit {
  const { apiBaseUrl, token, context } = options;
  return new Octokit({
    baseUrl: apiBaseUrl,
    auth: token,
    userAgent: 'backstage-image-factory',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    // Every request goes through the factory's budget and timeout.
    request: {
      fetch: (url: string, init: RequestInit) => context.fetch(url, init),
      signal: context.signal,
    },
  });
}

/** Requests one page of a container package's versions; Octokit's `RequestError` passes through. */
export async function listPackageVersions(
  octokit: Octokit,
  request: {
    kind: OwnerKind;
    owner: string;
    packageName: string;
    page: number;
    perPage: number;
  },
): Promise<PackageVersionsPage> {
  const { kind, owner, packageName, page, perPage } = request;
  const common = {
    package_type: 'container' as const,
    package_name: packageName,
    per_page: perPage,
    page,
  };
  const response =
    kind === 'orgs'
      ? await octokit.request(
          'GET /orgs/{org}/packages/{package_type}/{package_name}/versions',
          { org: owner, ...common },
        )
      : await octokit.request(
          'GET /users/{username}/packages/{package_type}/{package_name}/versions',
          { username: owner, ...common },
        );
  return {
    versions: response.data as PackageVersion[],
    link: response.headers.link,
  };
}
