import { gzipSync } from 'zlib';
import {
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_LAYER_GZIP,
  OCI_IMAGE_MANIFEST,
  OciRegistryClient,
  RepositoryRef,
} from '../../registry';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A pushed image manifest with the platform it is for. */
export interface PushedManifest {
  digest: string;
  size: number;
  platform: { os: string; architecture: string; variant?: string };
}

/**
 * Pushes a one-layer image manifest for a platform; `revision` makes the
 * config, and so the digest, differ between pushes.
 */
export async function pushPlatformManifest(
  client: OciRegistryClient,
  repo: RepositoryRef,
  platform: PushedManifest['platform'],
  revision: string,
  tag?: string,
): Promise<PushedManifest> {
  const config = json({
    ...platform,
    rootfs: { type: 'layers', diff_ids: [] },
    config: { Labels: { revision } },
  });
  const layer = gzipSync(Buffer.from(`layer of ${revision}`));
  const configDigest = await client.pushBlob(repo, config);
  const layerDigest = await client.pushBlob(repo, layer);
  const manifest = json({
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
  });
  const digest = await client.putManifest(
    repo,
    tag ?? `${platform.architecture}-${revision}`,
    manifest,
    OCI_IMAGE_MANIFEST,
  );
  return { digest, size: manifest.length, platform };
}

/** Pushes an image index of the manifests under `tag`; returns its digest. */
export async function pushIndex(
  client: OciRegistryClient,
  repo: RepositoryRef,
  tag: string,
  manifests: PushedManifest[],
): Promise<string> {
  const index = json({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: manifests.map(m => ({
      mediaType: OCI_IMAGE_MANIFEST,
      digest: m.digest,
      size: m.size,
      platform: m.platform,
    })),
  });
  return client.putManifest(repo, tag, index, OCI_IMAGE_INDEX);
}
