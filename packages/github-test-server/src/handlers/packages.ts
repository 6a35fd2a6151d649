import { githubError, notFound } from '../errors';
import { Urls } from '../payloads';
import { PackageState, PackageVersionState } from '../state';
import { Handler, RequestContext } from './types';

const MAX_PER_PAGE = 100;

/** Where a package lives in the API and on the web: `orgs/acme` or `users/jane`. */
function ownerPath(pkg: PackageState) {
  return `${pkg.ownerType === 'org' ? 'orgs' : 'users'}/${pkg.owner.login}`;
}

/** A `package-version` of a container package, with GitHub's URL shapes. */
function packageVersion(
  urls: Urls,
  pkg: PackageState,
  version: PackageVersionState,
) {
  const owner = ownerPath(pkg);
  const name = encodeURIComponent(pkg.name);
  return {
    id: version.id,
    name: version.digest,
    url: `${urls.api}/${owner}/packages/container/${name}/versions/${version.id}`,
    package_html_url: `${urls.web}/${owner}/packages/container/package/${name}`,
    html_url: `${urls.web}/${owner}/packages/container/${name}/${version.id}`,
    created_at: version.createdAt,
    updated_at: version.updatedAt,
    metadata: {
      package_type: 'container',
      container: { tags: [...version.tags] },
    },
  };
}

/**
 * GitHub's `Link` header: `next` and `last` after the first page, `first` and
 * `prev` after it, each the request's own URL with another `page`.
 */
function linkHeader(
  base: string,
  query: URLSearchParams,
  page: number,
  lastPage: number,
) {
  const at = (n: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(n));
    return `<${base}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (page < lastPage) {
    links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`);
  }
  if (page > 1) {
    links.push(`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`);
  }
  return links.join(', ');
}

function listVersions(ownerType: 'org' | 'user'): Handler {
  return async (ctx: RequestContext) => {
    // Classic tokens need read:packages for every package endpoint.
    if (!ctx.scopes.includes('read:packages')) {
      throw githubError(
        403,
        'You need at least read:packages scope to list packages.',
      );
    }
    const owner = ownerType === 'org' ? ctx.params.org : ctx.params.username;
    // Only container packages are kept; any other type is GitHub's 404.
    if (ctx.params.package_type !== 'container') throw notFound();
    const pkg = ctx.state.containerPackage(
      ownerType,
      owner,
      ctx.params.package_name,
    );
    // GitHub caps per_page at 100 rather than refusing a larger value.
    const perPage = Math.min(
      Math.max(Number(ctx.query.get('per_page') ?? 30), 1),
      MAX_PER_PAGE,
    );
    const page = Math.max(Number(ctx.query.get('page') ?? 1), 1);
    // Deleted versions are not kept, so `state=deleted` lists none.
    const versions =
      (ctx.query.get('state') ?? 'active') === 'active'
        ? [...pkg.versions].sort((a, b) => b.id - a.id)
        : [];
    const lastPage = Math.max(Math.ceil(versions.length / perPage), 1);
    const slice = versions.slice((page - 1) * perPage, page * perPage);
    const base = `${ctx.urls.api}/${ownerPath(
      pkg,
    )}/packages/container/${encodeURIComponent(pkg.name)}/versions`;
    const link = linkHeader(base, ctx.query, page, lastPage);
    return {
      status: 200,
      body: slice.map(v => packageVersion(ctx.urls, pkg, v)),
      headers: link ? { link } : undefined,
    };
  };
}

/** `GET /orgs/{org}/packages/{package_type}/{package_name}/versions` */
export const listOrgPackageVersions = listVersions('org');

/** `GET /users/{username}/packages/{package_type}/{package_name}/versions` */
export const listUserPackageVersions = listVersions('user');
