import { InputError } from '@backstage/errors';
import {
  RegistryTag,
  RegistryTagPage,
} from '@image-factory/plugin-image-factory-node';
import { RegistryResponseError } from '../../../registry';
import { isDigest, isoDate } from '../tagFields';
import { OwnerKind, PackageVersionsPage } from './packageVersions';

/** The packages API's limit on `per_page`. */
export const MAX_PER_PAGE = 100;
/** `<kind>:<page>:<perPage>`: the next page keeps its owner kind and page size. */
const CURSOR = /^(orgs|users):(\d+):(\d+)$/;

/** Where a cursor continues a listing; a malformed cursor throws `InputError`. */
export function parseGhcrCursor(cursor: string): {
  kind: OwnerKind;
  page: number;
  perPage: number;
} {
  const match = CURSOR.exec(cursor);
  if (!match || Number(match[3]) < 1 || Number(match[3]) > MAX_PER_PAGE) {
    throw new InputError('cursor: not a GHCR page cursor');
  }
  return {
    kind: match[1] as OwnerKind,
    page: Number(match[2]),
    perPage: Number(match[3]),
  };
}

/** The `rel="next"` target of a `Link` header. */
function nextLink(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * A page of tags from a page of versions: each tag of a version gets its
 * digest and date; untagged versions give none. An answer that is not a list,
 * or a `next` link off the API, throws `RegistryResponseError`.
 */
export function toVersionPage(
  result: PackageVersionsPage,
  options: {
    kind: OwnerKind;
    perPage: number;
    apiOrigin: string;
    action: string;
  },
): RegistryTagPage {
  const { kind, perPage, apiOrigin, action } = options;
  if (!Array.isArray(result.versions)) {
    throw new RegistryResponseError(
      `GitHub's answer is not a list of versions when trying to ${action}`,
    );
  }
  const tags: RegistryTag[] = [];
  for (const version of result.versions) {
    const names = version?.metadata?.container?.tags;
    if (!Array.isArray(names)) continue;
    const digest = isDigest(version.name) ? version.name : undefined;
    const updatedAt =
      isoDate(version.updated_at) ?? isoDate(version.created_at);
    for (const name of names) {
      if (typeof name !== 'string' || !name) continue;
      tags.push({
        name,
        ...(digest ? { digest } : {}),
        ...(updatedAt ? { updatedAt } : {}),
      });
    }
  }
  const page: RegistryTagPage = { tags };
  const next = nextLink(result.link);
  if (next) {
    let url: URL | undefined;
    try {
      url = new URL(next);
    } catch {
      url = undefined;
    }
    const nextPage = Number(url?.searchParams.get('page'));
    if (
      !url ||
      url.origin !== apiOrigin ||
      !Number.isInteger(nextPage) ||
      nextPage < 1
    ) {
      throw new RegistryResponseError(
        `GitHub's next page is not a page of ${apiOrigin} when trying to ${action}`,
      );
    }
    page.next = `${kind}:${nextPage}:${perPage}`;
  }
  return page;
}
