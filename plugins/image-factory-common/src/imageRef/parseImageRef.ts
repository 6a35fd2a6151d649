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

/** @public */
export const DEFAULT_REGISTRY = 'docker.io';
const LEGACY_DEFAULT_REGISTRIES = ['index.docker.io', 'registry-1.docker.io'];
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

function validateDomain(domain: string): string | undefined {
  const portAt = domain.startsWith('[')
    ? domain.indexOf(']:') + 1 || -1
    : domain.lastIndexOf(':');
  const host = portAt > 0 ? domain.slice(0, portAt) : domain;
  const port = portAt > 0 ? domain.slice(portAt + 1) : undefined;
  if (!DOMAIN_NAME.test(host) && !IPV6_HOST.test(host)) {
    return `registry host '${host}' is not a valid host name`;
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) {
    return `registry port '${port}' must be a number from 0 to 65535`;
  }
  return undefined;
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
 * Parses and normalises an image reference such as `nginx`, `nginx:1.27`,
 * `ghcr.io/org/app@sha256:…` or `localhost:5000/team/app:dev`.
 *
 * @public
 */
export function tryParseImageRef(input: string): ImageRefParseResult {
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

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) {
      return fail(`digest '${digest}' must look like 'sha256:<64 hex digits>'`);
    }
    if (digest.startsWith('sha256:') && !SHA256_DIGEST.test(digest)) {
      return fail('a sha256 digest must have exactly 64 lowercase hex digits');
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
    return fail('repository name must be lowercase');
  }
  for (const component of remainder.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      return fail(
        `repository path component '${component}' must be lowercase letters and digits, separated by '.', '_', '__' or '-'`,
      );
    }
  }
  if (domain.length + 1 + remainder.length > NAME_TOTAL_LENGTH_MAX) {
    return fail(`repository name must not be longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }

  let registry = domain;
  if (LEGACY_DEFAULT_REGISTRIES.includes(registry)) {
    registry = DEFAULT_REGISTRY;
  }
  let repository = remainder;
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) {
    repository = OFFICIAL_REPO_PREFIX + repository;
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
