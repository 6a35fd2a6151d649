import {
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_LAYER_GZIP,
  OCI_IMAGE_MANIFEST,
  OciRegistryClient,
  RepositoryRef,
  sha256Digest,
} from '../../registry';
import { tinyLayer } from './tinyLayer';

/** buildx's media type and annotations for attestation manifests in an index. */
export const IN_TOTO_LAYER = 'application/vnd.in-toto+json';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';

/** Options of {@link pushImageIndex}. */
export interface PushImageIndexOptions {
  /** The tag of the index. Default: pushed by digest only. */
  tag?: string;
  /** `os/architecture[/variant]` each. Default `['linux/amd64', 'linux/arm64']`. */
  platforms?: string[];
  /** Goes into every blob: the same seed gives the same digests, another seed new ones. Default `'0'`. */
  seed?: string | number;
  /** The configs' `created`. Default `2026-01-01T00:00:00Z`. */
  created?: string;
  /** Layers per platform, 1 or 2. Default 2. */
  layers?: 1 | 2;
  /** Adds a buildx-style attestation manifest (`unknown/unknown`) per platform. */
  attestations?: boolean;
  /**
   * Index entries that lie about their platform, real → written
   * (`{ 'linux/arm64': 'linux/amd64' }`); the configs keep the truth.
   */
  mislabel?: Record<string, string>;
  /** `config.Labels` of every platform's image config. */
  labels?: Record<string, string>;
  /** Annotations of the index (e.g. `org.opencontainers.image.base.digest`). */
  annotations?: Record<string, string>;
}

/** One platform image of a pushed index. */
export interface PushedPlatform {
  /** The real `os/architecture[/variant]`, as its config says. */
  platform: string;
  digest: string;
  /** Size of the platform manifest. */
  size: number;
  configDigest: string;
  configSize: number;
  layers: Array<{ digest: string; size: number; diffId: string }>;
  /** Config plus compressed layers: what a pull of the platform downloads. */
  compressedSize: number;
}

/** A buildx-style attestation manifest of a pushed index. */
export interface PushedAttestation {
  digest: string;
  size: number;
  /** The platform manifest it attests (`vnd.docker.reference.digest`). */
  subject: string;
  /** Digest of its in-toto layer. */
  layerDigest: string;
}

/** What {@link pushImageIndex} pushed. */
export interface PushedImageIndex {
  digest: string;
  size: number;
  /** The index bytes, as pushed. */
  bytes: Buffer;
  platforms: PushedPlatform[];
  /** Empty unless `attestations` was set. */
  attestations: PushedAttestation[];
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function parsePlatform(platform: string) {
  const [os, architecture, variant] = platform.split('/');
  if (!os || !architecture) {
    throw new Error(`platform: '${platform}' is not os/architecture[/variant]`);
  }
  return { os, architecture, ...(variant && { variant }) };
}

async function pushPlatform(
  client: OciRegistryClient,
  repo: RepositoryRef,
  platform: string,
  options: PushImageIndexOptions,
): Promise<PushedPlatform> {
  const seed = String(options.seed ?? '0');
  const created = options.created ?? '2026-01-01T00:00:00Z';
  const layers = Array.from({ length: options.layers ?? 2 }, (_, i) =>
    tinyLayer(
      `layer${i}.txt`,
      `${repo.repository} ${platform} layer ${i} seed ${seed}\n`,
    ),
  );
  const config = json({
    ...parsePlatform(platform),
    created,
    config: {
      Env: [
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ],
      ...(options.labels && { Labels: options.labels }),
    },
    rootfs: { type: 'layers', diff_ids: layers.map(l => l.diffId) },
    history: layers.map((_, i) => ({
      created,
      created_by: `RUN echo layer ${i} seed ${seed}`,
    })),
  });
  const [configDigest] = await Promise.all([
    client.pushBlob(repo, config),
    ...layers.map(l => client.pushBlob(repo, l.bytes)),
  ]);
  const manifest = json({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: {
      mediaType: OCI_IMAGE_CONFIG,
      digest: configDigest,
      size: config.length,
    },
    layers: layers.map(l => ({
      mediaType: OCI_IMAGE_LAYER_GZIP,
      digest: l.digest,
      size: l.bytes.length,
    })),
  });
  const digest = await client.putManifest(
    repo,
    sha256Digest(manifest),
    manifest,
    OCI_IMAGE_MANIFEST,
  );
  return {
    platform,
    digest,
    size: manifest.length,
    configDigest,
    configSize: config.length,
    layers: layers.map(l => ({
      digest: l.digest,
      size: l.bytes.length,
      diffId: l.diffId,
    })),
    compressedSize:
      config.length + layers.reduce((sum, l) => sum + l.bytes.length, 0),
  };
}

/** An attestation manifest as buildx writes it: an unknown/unknown image with an in-toto layer. */
async function pushAttestation(
  client: OciRegistryClient,
  repo: RepositoryRef,
  subject: PushedPlatform,
  seed: string,
): Promise<PushedAttestation> {
  const statement = json({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: SLSA_PROVENANCE_V02,
    subject: [
      {
        name: `pkg:docker/${repo.registry}/${
          repo.repository
        }?platform=${encodeURIComponent(subject.platform)}`,
        digest: { sha256: subject.digest.slice('sha256:'.length) },
      },
    ],
    predicate: {
      builder: { id: '' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      metadata: { buildInvocationID: `seed-${seed}` },
    },
  });
  const layerDigest = sha256Digest(statement);
  const config = json({
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: [layerDigest] },
  });
  const [configDigest] = await Promise.all([
    client.pushBlob(repo, config),
    client.pushBlob(repo, statement),
  ]);
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
        mediaType: IN_TOTO_LAYER,
        digest: layerDigest,
        size: statement.length,
        annotations: { 'in-toto.io/predicate-type': SLSA_PROVENANCE_V02 },
      },
    ],
  });
  const digest = await client.putManifest(
    repo,
    sha256Digest(manifest),
    manifest,
    OCI_IMAGE_MANIFEST,
  );
  return {
    digest,
    size: manifest.length,
    subject: subject.digest,
    layerDigest,
  };
}

/**
 * Pushes a multi-platform OCI image index through the registry API (no
 * Docker): per platform a real image config (`architecture`, `os`,
 * `variant`, `created`, `rootfs.diff_ids`) and one or two tiny gzip tar
 * layers; optionally buildx-style attestation manifests and index entries
 * whose platform is wrong. Safe to call again with the same options.
 */
export async function pushImageIndex(
  client: OciRegistryClient,
  repo: RepositoryRef,
  options: PushImageIndexOptions = {},
): Promise<PushedImageIndex> {
  const platforms = options.platforms ?? ['linux/amd64', 'linux/arm64'];
  const pushed = await Promise.all(
    platforms.map(p => pushPlatform(client, repo, p, options)),
  );
  const attestations = options.attestations
    ? await Promise.all(
        pushed.map(p =>
          pushAttestation(client, repo, p, String(options.seed ?? '0')),
        ),
      )
    : [];
  const index = json({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: [
      ...pushed.map(p => ({
        mediaType: OCI_IMAGE_MANIFEST,
        digest: p.digest,
        size: p.size,
        platform: parsePlatform(options.mislabel?.[p.platform] ?? p.platform),
      })),
      ...attestations.map(a => ({
        mediaType: OCI_IMAGE_MANIFEST,
        digest: a.digest,
        size: a.size,
        annotations: {
          'vnd.docker.reference.digest': a.subject,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
        platform: { architecture: 'unknown', os: 'unknown' },
      })),
    ],
    ...(options.annotations && { annotations: options.annotations }),
  });
  const digest = await client.putManifest(
    repo,
    options.tag ?? sha256Digest(index),
    index,
    OCI_IMAGE_INDEX,
  );
  return {
    digest,
    size: index.length,
    bytes: index,
    platforms: pushed,
    attestations,
  };
}
