import { randomBytes } from 'crypto';
import {
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_LAYER_GZIP,
  OCI_IMAGE_MANIFEST,
  OciRegistryClient,
  RepositoryRef,
} from '../../registry';

/**
 * Pushes a small image whose config names `platform` (`os/arch[/variant]`)
 * under `tag`, with one random layer so that each push is a new manifest.
 * Returns the manifest's digest, media type and size.
 */
export async function pushTestImage(
  client: OciRegistryClient,
  repo: RepositoryRef,
  platform: string,
  tag: string,
): Promise<{ digest: string; mediaType: string; size: number }> {
  const [os, architecture, variant] = platform.split('/');
  const layer = randomBytes(32);
  const layerDigest = await client.pushBlob(repo, layer);
  const config = Buffer.from(
    JSON.stringify({
      os,
      architecture,
      ...(variant ? { variant } : {}),
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
      config: {},
    }),
  );
  const configDigest = await client.pushBlob(repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      config: {
        mediaType: OCI_IMAGE_CONFIG,
        digest: configDigest,
        size: config.length,
      },
      layers: [
        {
          mediaType: OCI_IMAGE_LAYER_GZIP,
          digest: layerDigest,
          size: layer.length,
        },
      ],
    }),
  );
  const digest = await client.putManifest(
    repo,
    tag,
    manifest,
    OCI_IMAGE_MANIFEST,
  );
  return { digest, mediaType: OCI_IMAGE_MANIFEST, size: manifest.length };
}
