import {
  ManifestInvalidError,
  OciRegistryClient,
  RepositoryRef,
} from '../../registry';
import { PushedManifest } from '../labelPushedImage';

interface ImageConfigJson {
  os?: string;
  architecture?: string;
  variant?: string;
}

/**
 * Checks a manifest that an executor says it pushed: the registry holds an
 * image manifest (not an index) under `digest`, and its config blob names
 * `platform` (`os/arch[/variant]`; a platform without a variant accepts any).
 * Throws {@link ManifestInvalidError} naming what differs; returns the
 * manifest as an image index lists it.
 */
export async function verifyPushedManifest(
  client: Pick<OciRegistryClient, 'getManifest' | 'getBlob'>,
  repo: RepositoryRef,
  digest: string,
  platform: string,
): Promise<PushedManifest> {
  const where = `${repo.registry}/${repo.repository}@${digest}`;
  const manifest = await client.getManifest({ ...repo, digest });
  const configDigest = manifest.json.config?.digest;
  if (!configDigest || !Array.isArray(manifest.json.layers)) {
    throw new ManifestInvalidError(
      `${where} is not an image manifest (${manifest.mediaType})`,
    );
  }
  const config = JSON.parse(
    (await client.getBlob(repo, configDigest)).toString('utf8'),
  ) as ImageConfigJson;
  const [os, architecture, variant] = platform.split('/');
  const found = [config.os, config.architecture, config.variant]
    .filter(Boolean)
    .join('/');
  if (
    config.os !== os ||
    config.architecture !== architecture ||
    (variant !== undefined && config.variant !== variant)
  ) {
    throw new ManifestInvalidError(
      `${where} is an image for ${found || 'no platform'}, not ${platform}`,
    );
  }
  return {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: manifest.bytes.length,
  };
}
