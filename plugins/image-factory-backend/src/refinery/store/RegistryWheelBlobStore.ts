import { assertError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import {
  ManifestNotFoundError,
  OCI_IMAGE_MANIFEST,
  OciDescriptor,
  OciRegistryClient,
  RegistryResponseError,
  RepositoryRef,
} from '../../registry';
import { WheelBlobStore } from './WheelBlobStore';

const SHA256 = /^[0-9a-f]{64}$/;

/** The artifact type of a stored wheel (`*.whl`), and of any file stored without a name. */
export const WHEEL_ARTIFACT_TYPE =
  'application/vnd.image-factory.refinery.wheel.v1';
/** The artifact type of a wheel's metadata file (PEP 658: `<wheel>.metadata`). */
export const WHEEL_METADATA_ARTIFACT_TYPE =
  'application/vnd.image-factory.refinery.wheel-metadata.v1';

/**
 * The empty config of an artifact manifest (image-spec 1.1, manifest.md,
 * "Guidance for an Empty Descriptor"): the two bytes `{}`.
 */
const EMPTY_CONFIG = Buffer.from('{}');
const EMPTY_DESCRIPTOR: OciDescriptor = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest:
    'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};
const LAYER_MEDIA_TYPE = 'application/octet-stream';
const TITLE = 'org.opencontainers.image.title';

function digestOf(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
  return `sha256:${sha256}`;
}

function artifactTypeOf(name: string | undefined): string {
  return name?.endsWith('.metadata')
    ? WHEEL_METADATA_ARTIFACT_TYPE
    : WHEEL_ARTIFACT_TYPE;
}

function isNotFound(e: Error): boolean {
  // Distribution answers 404 BLOB_UNKNOWN, even in a repository it has
  // never seen; other registries answer NAME_UNKNOWN there.
  return (
    (e instanceof RegistryResponseError && e.status === 404) ||
    e instanceof ManifestNotFoundError
  );
}

/**
 * Wheel bytes as OCI artifacts in one repository of the factory's registry,
 * so that no new service is needed: each blob is the one layer of an
 * artifact manifest tagged `sha256-<hex>` of the bytes, with the file name
 * as its title, so that `oras pull <repository>:sha256-<hex>` writes the
 * file under its name. A wheel's type is {@link WHEEL_ARTIFACT_TYPE}, its
 * metadata file's (named `….metadata`) {@link WHEEL_METADATA_ARTIFACT_TYPE}.
 * The bytes are content-addressed: storing them again under another name
 * keeps the first name.
 */
export class RegistryWheelBlobStore implements WheelBlobStore {
  constructor(
    private readonly options: {
      /** Registry host and repository path, without tag or digest. */
      repository: RepositoryRef;
      /**
       * A client per call, so that refreshed credentials never meet a
       * token the previous client cached.
       */
      client: () => OciRegistryClient;
    },
  ) {}

  async put(sha256: string, bytes: Buffer, name?: string): Promise<void> {
    const digest = digestOf(sha256);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) {
      throw new Error(`bytes have sha256 ${actual}, not ${sha256}`);
    }
    const { repository } = this.options;
    const client = this.options.client();
    const tag = `sha256-${sha256}`;
    try {
      await client.headManifest({ ...repository, tag });
      return;
    } catch (e) {
      assertError(e);
      if (!(e instanceof ManifestNotFoundError)) throw e;
    }
    if (!(await client.blobExists(repository, digest))) {
      await client.pushBlob(repository, bytes);
    }
    if (!(await client.blobExists(repository, EMPTY_DESCRIPTOR.digest))) {
      await client.pushBlob(repository, EMPTY_CONFIG);
    }
    const layer: OciDescriptor = {
      mediaType: LAYER_MEDIA_TYPE,
      digest,
      size: bytes.length,
      ...(name && { annotations: { [TITLE]: name } }),
    };
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      artifactType: artifactTypeOf(name),
      config: EMPTY_DESCRIPTOR,
      layers: [layer],
    };
    // The tagged manifest is what keeps the blob: a registry's garbage
    // collection deletes every blob no manifest refers to. Distribution
    // refuses a manifest whose blobs it lacks, so they go first.
    await client.putManifest(
      repository,
      tag,
      Buffer.from(JSON.stringify(manifest)),
      OCI_IMAGE_MANIFEST,
    );
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    const digest = digestOf(sha256);
    try {
      // The client checks the bytes against the digest.
      return await this.options
        .client()
        .getBlob(this.options.repository, digest);
    } catch (e) {
      assertError(e);
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
