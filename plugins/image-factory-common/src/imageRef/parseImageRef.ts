/*
 * Image references follow the grammar of the distribution project
 * (github.com/distribution/reference, reference.go), with Docker's
 * normalisation: a missing registry means docker.io, and a single-component
 * repository on docker.io lives under `library/`.
 */

/**
 * A parsed, normalised container image reference.
 *
 * @public
 */
export interface ImageRef {
  /** Registry host, with port when one was given (`docker.io`, `localhost:5000`). */
  registry: string;
  /** Repository path inside the registry (`library/nginx`, `team/app`). */
  repository: string;
  /** Tag, when the reference has one. */
  tag?: string;
  /** Content digest (`sha256:…`), when the reference has one. */
  digest?: string;
}

/**
 * The result of {@link tryParseImageRef}.
 *
 * @public
 */
export type ImageRefParseResult =
  | { ok: true; ref: ImageRef }
  | { ok: false; error: string };

/**
 * The registry a reference without a registry host is read from, as in Docker
 * (`nginx` is `docker.io/library/nginx`).
 *
 * @public
 */
export const DEFAULT_REGISTRY = 'docker.io';
/** Docker rewrites only this legacy host to docker.io (distribution/reference, normalize.go). */
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST =
  /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** A bare image ID, which Docker refuses as a name. */
const IMAGE_ID = /^[a-f0-9]{64}$/;
/** The digest algorithms Docker accepts (go-digest), with their hex length. */
const DIGEST_HEX_LENGTH = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);
const LOWER_HEX = /^[0-9a-f]+$/;

function validateDomain(domain: string): string | undefined {
  const portAt = domain.startsWith('[')
    ? domain.indexOf(']:') + 1 || -1
    : domain.lastIndexOf(':');
  const host = portAt > 0 ? domain.slice(0, portAt) : domain;
  const port = portAt > 0 ? domain.slice(portAt + 1) : undefined;
  if (!DOMAIN_NAME.test(host) && !IPV6_HOST.test(host)) {
    return `registry host '${host}' is not a valid host name`;
  }
  if (port !== undefined && !PORT.test(port)) {
    return `registry port '${port}' must be digits`;
  }
  return undefined;
}

function validateDigest(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, Math.max(colon, 0));
  const length = DIGEST_HEX_LENGTH.get(algorithm);
  if (length !== undefined) {
    const hex = digest.slice(colon + 1);
    return hex.length === length && LOWER_HEX.test(hex)
      ? undefined
      : `${algorithm} digest '${digest}' must have exactly ${length} lowercase hex digits`;
  }
  if (!DIGEST.test(digest)) {
    return `digest '${digest}' must look like 'sha256:<64 hex digits>'`;
  }
  return `digest algorithm '${algorithm}' is not supported (use sha256, sha384 or sha512)`;
}

/** Splits the first path component off as the registry when Docker would. */
function splitDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isDomain =
    slash !== -1 &&
    (first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first.toLowerCase() !== first);
  if (!isDomain) {
    return { domain: DEFAULT_REGISTRY, remainder: name };
  }
  return { domain: first, remainder: name.slice(slash + 1) };
}

/**
 * What the last inputs parsed to. A planning pass over 10,000 images parses
 * the same few thousand references many times over (the graph, the planning
 * order, tracking keys): in a heap profile of the first pass, 91 of its
 * 403 MB of allocations. The results are frozen, so sharing one is safe;
 * past the limit the memo starts again.
 */
const MEMO_LIMIT = 20_000;
const memo = new Map<string, ImageRefParseResult>();

/**
 * Parses and normalises an image reference such as `nginx`, `nginx:1.27`,
 * `ghcr.io/org/app@sha256:…` or `localhost:5000/team/app:dev`. The result
 * is frozen: the same input gives the same object.
 *
 * @public
 */
export function tryParseImageRef(input: string): ImageRefParseResult {
  if (typeof input !== 'string') return parse(input);
  const known = memo.get(input);
  if (known) return known;
  const result = parse(input);
  if (result.ok) Object.freeze(result.ref);
  Object.freeze(result);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(input, result);
  return result;
}

function parse(input: string): ImageRefParseResult {
  const fail = (why: string): ImageRefParseResult => ({
    ok: false,
    error: `invalid image reference '${input}': ${why}`,
  });
  if (typeof input !== 'string' || input.length === 0) {
    return { ok: false, error: 'invalid image reference: must not be empty' };
  }
  if (input.trim() !== input) {
    return fail('must not contain leading or trailing white space');
  }
  if (IMAGE_ID.test(input)) {
    return fail(
      'a 64-character hexadecimal string is an image ID, not a repository name',
    );
  }

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const digestError = validateDigest(digest);
    if (digestError) {
      return fail(digestError);
    }
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      return fail(
        `tag '${tag}' must be 1-128 letters, digits, '_', '.' or '-' and not start with '.' or '-'`,
      );
    }
  }
  if (rest.length === 0) {
    return fail('repository name is missing');
  }

  const { domain, remainder } = splitDomain(rest);
  const domainError = validateDomain(domain);
  if (domainError) {
    return fail(domainError);
  }
  if (remainder.length === 0) {
    return fail('repository name is missing');
  }
  if (remainder.toLowerCase() !== remainder) {
    return fail(`repository name '${remainder}' must be lowercase`);
  }
  for (const component of remainder.split('/')) {
    if (component.length === 0) {
      return fail(
        `repository name '${remainder}' must not have an empty path component`,
      );
    }
    if (!PATH_COMPONENT.test(component)) {
      return fail(
        `repository path component '${component}' must be lowercase letters and digits, separated by '.', '_', '__' or '-'`,
      );
    }
  }

  const registry =
    domain === LEGACY_DEFAULT_REGISTRY ? DEFAULT_REGISTRY : domain;
  const repository =
    registry === DEFAULT_REGISTRY && !remainder.includes('/')
      ? OFFICIAL_REPO_PREFIX + remainder
      : remainder;
  // Docker measures the normalised name, so `nginx` counts as `docker.io/library/nginx`.
  if (registry.length + 1 + repository.length > NAME_TOTAL_LENGTH_MAX) {
    return fail(
      `repository name must not be longer than ${NAME_TOTAL_LENGTH_MAX} characters`,
    );
  }
  const ref: ImageRef = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return { ok: true, ref };
}

/**
 * Like {@link tryParseImageRef}, but throws an `Error` whose message says what is wrong.
 *
 * @public
 */
export function parseImageRef(input: string): ImageRef {
  const result = tryParseImageRef(input);
  if (!result.ok) {
    throw new TypeError(result.error);
  }
  return result.ref;
}

/**
 * Formats a reference in its canonical, fully qualified form:
 * `registry/repository[:tag][@digest]`.
 *
 * @public
 */
export function formatImageRef(ref: ImageRef): string {
  let out = `${ref.registry}/${ref.repository}`;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/**
 * Normalises a reference string to its canonical form
 * (`nginx` → `docker.io/library/nginx`); throws on a malformed reference.
 *
 * @public
 */
export function normalizeImageRef(input: string): string {
  return formatImageRef(parseImageRef(input));
}
