import { assertError } from '@backstage/errors';
import { RequestContext } from './errorFromResponse';
import {
  ManifestInvalidError,
  RegistryResponseError,
  RegistryUnavailableError,
} from './errors';
import { isAbort } from './requestSignal';
import { ManifestJson } from './types';

export function mediaTypeOf(res: Response): string | undefined {
  return res.headers.get('content-type')?.split(';')[0].trim() || undefined;
}

export function requireHeader(
  res: Response,
  name: string,
  context: RequestContext,
): string {
  const value = res.headers.get(name);
  if (value === null || value === '') {
    throw new RegistryResponseError(
      `Registry ${context.registry} sent no ${name} header for ${context.operation}`,
      res.status,
    );
  }
  return value;
}

/** Throws when the registry announces a digest other than the expected one. */
export function checkAnnouncedDigest(
  expected: string | undefined,
  announced: string | null,
  context: RequestContext,
): void {
  if (!expected || !announced) return;
  const sameAlgorithm = expected.split(':')[0] === announced.split(':')[0];
  if (sameAlgorithm && expected !== announced) {
    throw new ManifestInvalidError(
      `Registry ${context.registry} announced digest ${announced} for ${context.operation}, expected ${expected}`,
    );
  }
}

export async function readBody(
  res: Response,
  context: RequestContext,
  /** The caller's signal, whose abort passes through unchanged. */
  signal?: AbortSignal,
): Promise<Buffer> {
  try {
    return Buffer.from(await res.arrayBuffer());
  } catch (e) {
    if (isAbort(e, signal)) throw e;
    assertError(e);
    throw new RegistryUnavailableError(
      `Registry ${context.registry} broke off the response to ${context.operation}: ${e.message}`,
      e,
    );
  }
}

export function parseManifestJson(
  bytes: Buffer,
  context: RequestContext,
): ManifestJson {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ManifestInvalidError(
      `${context.operation} returned a manifest that is not JSON`,
      e,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ManifestInvalidError(
      `${context.operation} returned a manifest that is not a JSON object`,
    );
  }
  return json as ManifestJson;
}

/** Frees the connection of a response whose body is not needed. */
export async function discardBody(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}
