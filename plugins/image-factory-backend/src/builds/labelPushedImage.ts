import { OciRegistryClient, RepositoryRef } from '../registry';

/** A pushed platform manifest, as an image index lists it. */
export interface PushedManifest {
  digest: string;
  mediaType: string;
  size: number;
}

interface ImageManifestJson {
  config?: { digest?: string; size?: number; mediaType?: string };
  layers?: unknown[];
}

/**
 * Adds labels to a pushed image by rewriting its config in the registry (as
 * `crane mutate --label` does): a new config blob and a manifest with the same
 * layers, put under `tag`. The classic builder would instead add a LABEL step
 * per label, each a container and a commit that copies the whole root
 * filesystem on storage drivers without copy-on-write, and a LABEL whose value
 * changes every build (`created`) must come last so that it keeps the layer
 * cache; here it costs four small requests.
 */
export async function labelPushedImage(
  client: Pick<
    OciRegistryClient,
    'getManifest' | 'getBlob' | 'pushBlob' | 'putManifest'
  >,
  repo: RepositoryRef,
  digest: string,
  tag: string,
  labels: Record<string, string>,
): Promise<PushedManifest> {
  const manifest = await client.getManifest({ ...repo, digest });
  const json = manifest.json as ImageManifestJson;
  if (!json.config?.digest || !Array.isArray(json.layers)) {
    throw new Error(
      `${repo.registry}/${repo.repository}@${digest} is not an image manifest (${manifest.mediaType})`,
    );
  }
  const config = JSON.parse(
    (await client.getBlob(repo, json.config.digest)).toString('utf8'),
  ) as { config?: { Labels?: Record<string, string> | null } };
  config.config = {
    ...config.config,
    Labels: { ...config.config?.Labels, ...labels },
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = await client.pushBlob(repo, configBytes);
  const bytes = Buffer.from(
    JSON.stringify({
      ...json,
      config: {
        ...json.config,
        digest: configDigest,
        size: configBytes.length,
      },
    }),
  );
  return {
    digest: await client.putManifest(repo, tag, bytes, manifest.mediaType),
    mediaType: manifest.mediaType,
    size: bytes.length,
  };
}
