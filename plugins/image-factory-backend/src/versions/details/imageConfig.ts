import { ManifestInvalidError } from '../../registry';

/** What the Versions view reads of an image config (image-spec, config.md). */
export interface ImageConfigFacts {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
}

/** The platform and creation time an image config states; throws naming the digest when it is not one. */
export function readImageConfig(
  bytes: Buffer,
  digest: string,
): ImageConfigFacts {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ManifestInvalidError(`Image config ${digest} is not JSON`);
  }
  const config = json as Record<string, unknown>;
  if (
    !config ||
    typeof config !== 'object' ||
    typeof config.architecture !== 'string' ||
    typeof config.os !== 'string'
  ) {
    throw new ManifestInvalidError(
      `Image config ${digest} has no architecture or os`,
    );
  }
  const created =
    typeof config.created === 'string' && !isNaN(Date.parse(config.created))
      ? new Date(config.created).toISOString()
      : undefined;
  return {
    architecture: config.architecture,
    os: config.os,
    ...(typeof config.variant === 'string' &&
      config.variant && { variant: config.variant }),
    ...(created && { created }),
  };
}
