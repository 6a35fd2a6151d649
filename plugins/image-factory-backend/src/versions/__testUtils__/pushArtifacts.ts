import {
  ManifestNotFoundError,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  OciDescriptor,
  OciRegistryClient,
  referrersTag,
  RepositoryRef,
  sha256Digest,
} from '../../registry';

/** cosign's media type for its signed payload. */
export const COSIGN_SIMPLESIGNING =
  'application/vnd.dev.cosign.simplesigning.v1+json';
/** The image-spec's empty descriptor, for artifacts without a config. */
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/**
 * Pushes a signature the way cosign does without the referrers API: a
 * manifest under the tag `sha256-<hex>.sig` with a simplesigning payload
 * layer and the `dev.cosignproject.cosign/signature` annotation. The
 * signature is not a real one; only its shape matters to the Versions view.
 */
export async function pushCosignSignature(
  client: OciRegistryClient,
  repo: RepositoryRef,
  digest: string,
): Promise<{ tag: string; digest: string }> {
  const payload = json({
    critical: {
      identity: { 'docker-reference': `${repo.registry}/${repo.repository}` },
      image: { 'docker-manifest-digest': digest },
      type: 'cosign container image signature',
    },
    optional: null,
  });
  const payloadDigest = sha256Digest(payload);
  const config = json({
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: [payloadDigest] },
    config: {},
  });
  await Promise.all([
    client.pushBlob(repo, payload),
    client.pushBlob(repo, config),
  ]);
  const manifest = json({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: {
      mediaType: OCI_IMAGE_CONFIG,
      digest: sha256Digest(config),
      size: config.length,
    },
    layers: [
      {
        mediaType: COSIGN_SIMPLESIGNING,
        digest: payloadDigest,
        size: payload.length,
        annotations: {
          'dev.cosignproject.cosign/signature': Buffer.from(
            `not a signature of ${digest}`,
          ).toString('base64'),
        },
      },
    ],
  });
  const tag = `${digest.replace(':', '-')}.sig`;
  const pushed = await client.putManifest(
    repo,
    tag,
    manifest,
    OCI_IMAGE_MANIFEST,
  );
  return { tag, digest: pushed };
}

/** The referrers list kept under the tag schema, or an empty one. */
async function readReferrersIndex(
  client: OciRegistryClient,
  repo: RepositoryRef,
  tag: string,
): Promise<OciDescriptor[]> {
  try {
    const { json: index } = await client.getManifest({ ...repo, tag });
    if (!Array.isArray(index.manifests)) {
      throw new Error(`${tag} holds something other than an image index`);
    }
    return index.manifests;
  } catch (e) {
    if (e instanceof ManifestNotFoundError) return [];
    throw e;
  }
}

/**
 * Pushes an OCI artifact manifest whose `subject` is `subjectDigest`, by
 * digest. Where the registry has no referrers API (distribution 2.8) it
 * also adds the artifact to the `sha256-<hex>` tag's index, as the
 * distribution spec requires of pushing clients ("Pushing Manifests with
 * Subject"). Not safe against concurrent pushes for the same subject.
 */
export async function pushReferrer(
  client: OciRegistryClient,
  repo: RepositoryRef,
  subjectDigest: string,
  artifactType: string,
  options: { annotations?: Record<string, string>; seed?: string } = {},
): Promise<{
  digest: string;
  size: number;
  source: 'referrers-api' | 'referrers-tag';
}> {
  const subject = await client.headManifest({ ...repo, digest: subjectDigest });
  const empty = Buffer.from('{}');
  const layer = json({
    artifactType,
    subject: subjectDigest,
    seed: options.seed ?? '0',
  });
  await Promise.all([
    client.pushBlob(repo, empty),
    client.pushBlob(repo, layer),
  ]);
  const annotations = {
    'org.opencontainers.image.created': '2026-01-01T00:00:00Z',
    ...options.annotations,
  };
  const manifest = json({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    artifactType,
    config: {
      mediaType: OCI_EMPTY,
      digest: sha256Digest(empty),
      size: empty.length,
    },
    layers: [
      {
        mediaType: 'application/json',
        digest: sha256Digest(layer),
        size: layer.length,
      },
    ],
    subject: {
      mediaType: subject.mediaType,
      digest: subject.digest,
      size: subject.size,
    },
    annotations,
  });
  const digest = await client.putManifest(
    repo,
    sha256Digest(manifest),
    manifest,
    OCI_IMAGE_MANIFEST,
  );
  const { source } = await client.listReferrers(repo, subjectDigest);
  if (source === 'referrers-tag') {
    const tag = referrersTag(subjectDigest);
    const listed = await readReferrersIndex(client, repo, tag);
    if (!listed.some(d => d.digest === digest)) {
      const index = json({
        schemaVersion: 2,
        mediaType: OCI_IMAGE_INDEX,
        manifests: [
          ...listed,
          {
            mediaType: OCI_IMAGE_MANIFEST,
            digest,
            size: manifest.length,
            artifactType,
            annotations,
          },
        ],
      });
      await client.putManifest(repo, tag, index, OCI_IMAGE_INDEX);
    }
  }
  return { digest, size: manifest.length, source };
}
