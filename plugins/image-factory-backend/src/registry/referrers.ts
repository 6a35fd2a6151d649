import { InputError } from '@backstage/errors';
import { errorFromResponse, RequestContext } from './errorFromResponse';
import { RegistryResponseError } from './errors';
import { OCI_IMAGE_INDEX } from './mediaTypes';
import { nextLinkTarget } from './parseLinkHeader';
import { RegistryEndpoint } from './registryEndpoint';
import { RegistryTransport } from './RegistryTransport';
import { discardBody, parseManifestJson, readBody } from './responseChecks';
import {
  ManifestJson,
  OciDescriptor,
  Referrers,
  ReferrersOptions,
  RepositoryRef,
} from './types';

/** Guards against a registry whose `Link` headers never end. */
const MAX_REFERRER_PAGES = 50;
/** distribution-spec v1.1, "Referrers Tag Schema": `<ref>` is limited to 64 characters. */
const MAX_REF_LENGTH = 64;

// RFC 6838 type/subtype, which is what an artifactType is.
const MEDIA_TYPE =
  /^[A-Za-z0-9][\w!#$&^.+-]{0,126}\/[A-Za-z0-9][\w!#$&^.+-]{0,126}$/;

/** Throws `InputError` naming `artifactType` unless it is a media type. */
export function checkReferrersOptions(options: ReferrersOptions): void {
  const { artifactType } = options;
  if (
    artifactType !== undefined &&
    (typeof artifactType !== 'string' || !MEDIA_TYPE.test(artifactType))
  ) {
    throw new InputError(
      `artifactType: must be a media type such as application/vnd.example+json, got '${artifactType}'`,
    );
  }
}

/**
 * The tag under which clients keep a subject's referrers on registries
 * without the referrers API: `<alg>-<ref>`, characters invalid in a tag
 * replaced with `-` (`sha256:ab…` → `sha256-ab…`).
 */
export function referrersTag(subjectDigest: string): string {
  const colon = subjectDigest.indexOf(':');
  const invalid = /[^A-Za-z0-9_.-]/g;
  const alg = subjectDigest.slice(0, colon).replace(invalid, '-');
  const ref = subjectDigest
    .slice(colon + 1)
    .replace(invalid, '-')
    .slice(0, MAX_REF_LENGTH);
  return `${alg}-${ref}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDescriptor(value: unknown): value is OciDescriptor {
  if (!isRecord(value)) return false;
  const { mediaType, digest, size, artifactType, annotations } = value;
  return (
    typeof mediaType === 'string' &&
    typeof digest === 'string' &&
    typeof size === 'number' &&
    (artifactType === undefined || typeof artifactType === 'string') &&
    (annotations === undefined ||
      (isRecord(annotations) &&
        Object.values(annotations).every(v => typeof v === 'string')))
  );
}

/**
 * The descriptors of a referrers list (an image index), or `undefined`
 * when the document is not a valid one.
 */
export function referrerDescriptors(
  json: ManifestJson | undefined,
): OciDescriptor[] | undefined {
  if (!json || !Array.isArray(json.manifests)) return undefined;
  if (json.mediaType !== undefined && json.mediaType !== OCI_IMAGE_INDEX) {
    return undefined;
  }
  return json.manifests.every(isDescriptor) ? json.manifests : undefined;
}

function resolveLink(target: string, base: URL): URL | undefined {
  try {
    return new URL(target, base);
  } catch {
    return undefined;
  }
}

function ofType(
  descriptors: OciDescriptor[],
  artifactType: string | undefined,
): OciDescriptor[] {
  return artifactType === undefined
    ? descriptors
    : descriptors.filter(d => d.artifactType === artifactType);
}

/**
 * Lists a subject's referrers with `GET /v2/<name>/referrers/<digest>`,
 * following `Link` pages. On a 404 (no referrers API, as in distribution
 * 2.8) it reads the referrers tag through `readTag`, as the spec requires;
 * an absent tag or one that is not a valid index means no referrers.
 * The `artifactType` filter is applied here when the registry did not say
 * (`OCI-Filters-Applied`) that it applied it.
 */
export async function fetchReferrers(
  transport: RegistryTransport,
  endpoint: RegistryEndpoint,
  repo: RepositoryRef,
  subjectDigest: string,
  options: ReferrersOptions,
  deps: {
    now: () => Date;
    /** The manifest under a tag, or `undefined` when there is none. */
    readTag(
      tag: string,
      signal: AbortSignal | undefined,
    ): Promise<ManifestJson | undefined>;
  },
): Promise<Referrers> {
  const { artifactType, signal } = options;
  const context: RequestContext = {
    registry: repo.registry,
    repository: repo.repository,
    operation: `GET referrers of ${repo.registry}/${repo.repository}@${subjectDigest}`,
  };
  const query = artifactType ? `?${new URLSearchParams({ artifactType })}` : '';
  let url = new URL(
    `/v2/${repo.repository}/referrers/${subjectDigest}${query}`,
    endpoint.origin,
  );
  const descriptors: OciDescriptor[] = [];
  for (let page = 0; page < MAX_REFERRER_PAGES; page++) {
    const res = await transport.send({
      endpoint,
      repository: repo.repository,
      method: 'GET',
      url: url.href,
      actions: 'pull',
      headers: { Accept: OCI_IMAGE_INDEX },
      context,
      signal,
    });
    if (res.status === 404 && page === 0) {
      await discardBody(res);
      const index = await deps.readTag(referrersTag(subjectDigest), signal);
      return {
        descriptors: ofType(referrerDescriptors(index) ?? [], artifactType),
        source: 'referrers-tag',
      };
    }
    if (!res.ok) throw await errorFromResponse(res, context, deps.now());
    const json = parseManifestJson(
      await readBody(res, context, signal),
      context,
    );
    const list = referrerDescriptors(json);
    if (!list) {
      throw new RegistryResponseError(
        `Registry ${repo.registry} answered ${context.operation} with something other than an image index of descriptors`,
        res.status,
      );
    }
    const filtered = (res.headers.get('oci-filters-applied') ?? '')
      .split(',')
      .map(f => f.trim())
      .includes('artifactType');
    descriptors.push(...(filtered ? list : ofType(list, artifactType)));

    const target = nextLinkTarget(res.headers.get('link'));
    if (target === undefined) {
      return { descriptors, source: 'referrers-api' };
    }
    const next = resolveLink(target, url);
    // Credentials only ever go to the registry's origin; a next page
    // elsewhere is not followed.
    if (next?.origin !== endpoint.origin) {
      throw new RegistryResponseError(
        `Registry ${repo.registry} sent a Link outside its origin for ${context.operation}`,
      );
    }
    url = next;
  }
  throw new RegistryResponseError(
    `Registry ${repo.registry} sent more than ${MAX_REFERRER_PAGES} pages for ${context.operation}`,
  );
}
