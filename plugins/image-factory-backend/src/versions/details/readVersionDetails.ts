import { ImageVersionAttachment } from '@image-factory/plugin-image-factory-common';
import {
  DOCKER_MANIFEST_LIST,
  ManifestJson,
  OCI_IMAGE_INDEX,
  OciDescriptor,
  RepositoryRef,
} from '../../registry';
import { VersionRegistry } from '../VersionRegistry';
import { readImageConfig } from './imageConfig';
import { PlatformDetails, VersionDetails } from './types';

/** Config media types of images; any other config makes an artifact. */
const IMAGE_CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);
const INDEX_TYPES = new Set([OCI_IMAGE_INDEX, DOCKER_MANIFEST_LIST]);
// buildx marks its attestation manifests so (docs: "Attestation storage").
const REFERENCE_TYPE = 'vnd.docker.reference.type';
const REFERENCE_DIGEST = 'vnd.docker.reference.digest';

/** Whether an index entry is a buildx attestation manifest, not a platform. */
export function isAttestationEntry(entry: OciDescriptor): boolean {
  return (
    entry.annotations?.[REFERENCE_TYPE] === 'attestation-manifest' ||
    (entry.platform?.os === 'unknown' &&
      entry.platform?.architecture === 'unknown')
  );
}

function platformString(p: {
  os: string;
  architecture: string;
  variant?: string;
}) {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * Reads what a digest holds: an index's platforms (each manifest and its
 * config, so the platform comes from the config, not the index entry) and
 * attestations, or one manifest. Two requests per platform plus one.
 */
export async function readVersionDetails(
  registry: VersionRegistry,
  repo: RepositoryRef,
  digest: string,
  options: {
    signal?: AbortSignal;
    /**
     * Reads a platform through a cache, so that each platform manifest is
     * read once whichever index names it; `read` does the requests.
     */
    platform?: (
      digest: string,
      read: () => Promise<PlatformDetails | undefined>,
    ) => Promise<PlatformDetails | undefined>;
  } = {},
): Promise<VersionDetails> {
  const { signal } = options;
  const manifest = await registry.getManifest(repo, digest, signal);
  const mediaType = manifest.mediaType || manifest.json.mediaType || '';
  if (INDEX_TYPES.has(mediaType) || Array.isArray(manifest.json.manifests)) {
    const attachments: ImageVersionAttachment[] = [];
    const platforms: PlatformDetails[] = [];
    for (const entry of manifest.json.manifests ?? []) {
      if (isAttestationEntry(entry)) {
        attachments.push({
          kind: 'attestation',
          digest: entry.digest,
          mediaType: entry.mediaType,
          source: 'index',
          ...(entry.annotations?.[REFERENCE_DIGEST] && {
            describes: entry.annotations[REFERENCE_DIGEST],
          }),
        });
        continue;
      }
      const readChild = async () => {
        const child = await registry.getManifest(repo, entry.digest, signal);
        // Nested indexes are not platforms.
        if (INDEX_TYPES.has(child.mediaType)) return undefined;
        return readPlatform(
          registry,
          repo,
          entry.digest,
          child.json,
          child.bytes.length,
          signal,
        );
      };
      const read = options.platform
        ? await options.platform(entry.digest, readChild)
        : await readChild();
      if (!read) continue;
      // A copy: what the index claims belongs to this index only.
      const { indexPlatform: _other, ...own } = read;
      const platform: PlatformDetails = own;
      if (entry.platform) {
        const claimed = platformString(entry.platform);
        if (claimed !== platform.platform) platform.indexPlatform = claimed;
      }
      platforms.push(platform);
    }
    return summarize(digest, mediaType, platforms, attachments);
  }

  const json = manifest.json;
  const configType = json.config?.mediaType ?? '';
  const artifactType =
    typeof json.artifactType === 'string' ? json.artifactType : undefined;
  if (artifactType || !IMAGE_CONFIG_TYPES.has(configType)) {
    const subject = (json.subject as OciDescriptor | undefined)?.digest;
    return {
      digest,
      mediaType,
      kind: 'artifact',
      artifactType: artifactType ?? configType,
      ...(subject && { subject }),
      size: manifest.bytes.length + totalSize(json),
      platforms: [],
      attachments: [],
    };
  }
  const platform = await readPlatform(
    registry,
    repo,
    digest,
    json,
    manifest.bytes.length,
    signal,
  );
  return summarize(digest, mediaType, platform ? [platform] : [], []);
}

async function readPlatform(
  registry: VersionRegistry,
  repo: RepositoryRef,
  digest: string,
  json: ManifestJson,
  manifestSize: number,
  signal?: AbortSignal,
): Promise<PlatformDetails | undefined> {
  if (!json.config || !IMAGE_CONFIG_TYPES.has(json.config.mediaType)) {
    return undefined;
  }
  const bytes = await registry.getBlob(repo, json.config.digest, signal);
  const config = readImageConfig(bytes, json.config.digest);
  const layers = (json.layers ?? []).map(l => ({
    digest: l.digest,
    size: l.size,
  }));
  return {
    platform: platformString(config),
    digest,
    architecture: config.architecture,
    os: config.os,
    ...(config.variant && { variant: config.variant }),
    size: manifestSize + totalSize(json),
    layers: layers.length,
    ...(config.created && { createdAt: config.created }),
    layerRefs: layers,
  };
}

function totalSize(json: ManifestJson): number {
  const sizes = [json.config, ...(json.layers ?? [])].map(d =>
    d && Number.isSafeInteger(d.size) && d.size > 0 ? d.size : 0,
  );
  return sizes.reduce((a, b) => a + b, 0);
}

function summarize(
  digest: string,
  mediaType: string,
  platforms: PlatformDetails[],
  attachments: ImageVersionAttachment[],
): VersionDetails {
  platforms.sort((a, b) => a.platform.localeCompare(b.platform));
  const created = platforms
    .map(p => p.createdAt)
    .filter((c): c is string => !!c)
    .sort();
  return {
    digest,
    mediaType,
    kind: 'image',
    size: platforms.reduce((sum, p) => sum + p.size, 0),
    ...(created.length > 0 && { createdAt: created[created.length - 1] }),
    platforms,
    attachments,
  };
}
