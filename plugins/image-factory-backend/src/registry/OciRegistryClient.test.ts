import { gzipSync } from 'zlib';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { thrown } from '../__testUtils__/thrown';
import { sha256Digest } from './digest';
import {
  ManifestInvalidError,
  ManifestNotFoundError,
  RegistryAuthError,
  RegistryUnavailableError,
} from './errors';
import {
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_LAYER_GZIP,
  OCI_IMAGE_MANIFEST,
} from './mediaTypes';
import { OciRegistryClient } from './OciRegistryClient';

const START_TIMEOUT_MS = 30_000;
const auth = { username: 'builder', password: 'Pa55-word-for-tests' };

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

describe('OciRegistryClient against a distribution registry with htpasswd auth', () => {
  let registry: TestRegistry;
  let client: OciRegistryClient;

  beforeAll(async () => {
    registry = await startTestRegistry({ auth });
    client = OciRegistryClient.create({
      credentials: async host =>
        host === registry.host ? { type: 'basic', ...auth } : undefined,
    });
  }, START_TIMEOUT_MS);
  afterAll(() => registry?.stop());

  const repo = () => ({ registry: registry.host, repository: 'team/app' });

  it('pushes blobs, an image manifest and an index, and reads them back by tag and digest', async () => {
    const layer = gzipSync(
      Buffer.from('a layer, as far as the registry cares'),
    );
    const config = json({
      architecture: 's390x',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
      config: {},
    });
    expect(await client.blobExists(repo(), sha256Digest(config))).toBe(false);

    const configDigest = await client.pushBlob(repo(), config);
    const layerDigest = await client.pushBlob(repo(), layer);
    expect(configDigest).toBe(sha256Digest(config));
    expect(layerDigest).toBe(sha256Digest(layer));
    expect(await client.blobExists(repo(), configDigest)).toBe(true);
    expect(await client.blobExists(repo(), layerDigest)).toBe(true);
    expect(await client.getBlob(repo(), configDigest)).toEqual(config);

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
    const manifestDigest = await client.putManifest(
      repo(),
      '1.0-s390x',
      manifest,
      OCI_IMAGE_MANIFEST,
    );
    expect(manifestDigest).toBe(sha256Digest(manifest));

    const index = json({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: [
        {
          mediaType: OCI_IMAGE_MANIFEST,
          digest: manifestDigest,
          size: manifest.length,
          platform: { architecture: 's390x', os: 'linux' },
        },
      ],
    });
    const indexDigest = await client.putManifest(
      repo(),
      '1.0',
      index,
      OCI_IMAGE_INDEX,
    );
    expect(indexDigest).toBe(sha256Digest(index));

    const byTag = { ...repo(), tag: '1.0' };
    const byDigest = { ...repo(), digest: manifestDigest };
    expect(await client.headManifest(byTag)).toEqual({
      digest: indexDigest,
      mediaType: OCI_IMAGE_INDEX,
      size: index.length,
    });
    expect(await client.headManifest(byDigest)).toEqual({
      digest: manifestDigest,
      mediaType: OCI_IMAGE_MANIFEST,
      size: manifest.length,
    });
    expect(
      await client.headManifest({ ...repo(), digest: indexDigest }),
    ).toEqual({
      digest: indexDigest,
      mediaType: OCI_IMAGE_INDEX,
      size: index.length,
    });

    const readIndex = await client.getManifest(byTag);
    expect(readIndex.digest).toBe(indexDigest);
    expect(readIndex.mediaType).toBe(OCI_IMAGE_INDEX);
    expect(readIndex.bytes).toEqual(index);
    expect(readIndex.json.manifests?.[0]).toMatchObject({
      digest: manifestDigest,
      size: manifest.length,
      platform: { architecture: 's390x', os: 'linux' },
    });

    const readManifest = await client.getManifest(byDigest);
    expect(readManifest.digest).toBe(manifestDigest);
    expect(readManifest.mediaType).toBe(OCI_IMAGE_MANIFEST);
    expect(readManifest.bytes).toEqual(manifest);
    expect(readManifest.json.config?.digest).toBe(configDigest);

    const readPlatformTag = await client.getManifest({
      ...repo(),
      tag: '1.0-s390x',
    });
    expect(readPlatformTag.digest).toBe(manifestDigest);
  });

  it('pushes a manifest under its digest and refuses one that does not match it', async () => {
    const config = json({ architecture: 'amd64', os: 'linux' });
    const configDigest = await client.pushBlob(
      { ...repo(), repository: 'team/by-digest' },
      config,
    );
    const manifest = json({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      config: {
        mediaType: OCI_IMAGE_CONFIG,
        digest: configDigest,
        size: config.length,
      },
      layers: [],
    });
    const target = { registry: registry.host, repository: 'team/by-digest' };
    const digest = sha256Digest(manifest);

    await expect(
      client.putManifest(target, digest, manifest, OCI_IMAGE_MANIFEST),
    ).resolves.toBe(digest);
    await expect(
      client.headManifest({ ...target, digest }),
    ).resolves.toMatchObject({ digest });

    const wrong = await thrown(() =>
      client.putManifest(
        target,
        sha256Digest(Buffer.from('other')),
        manifest,
        OCI_IMAGE_MANIFEST,
      ),
    );
    expect(wrong).toBeInstanceOf(ManifestInvalidError);
  });

  it('reports a manifest the registry rejects as ManifestInvalidError', async () => {
    const missingBlob = sha256Digest(Buffer.from('never pushed'));
    const manifest = json({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      config: { mediaType: OCI_IMAGE_CONFIG, digest: missingBlob, size: 12 },
      layers: [],
    });
    const error = await thrown(() =>
      client.putManifest(repo(), 'broken', manifest, OCI_IMAGE_MANIFEST),
    );
    expect(error).toBeInstanceOf(ManifestInvalidError);
    expect(error).toMatchObject({ transient: false });
    expect(error.message).toContain('MANIFEST_BLOB_UNKNOWN');
    expect(error.message).toContain(`${registry.host}/team/app:broken`);
  });

  it('says which reference is missing with ManifestNotFoundError', async () => {
    const missing = { ...repo(), tag: 'no-such-tag' };
    for (const call of [
      () => client.headManifest(missing),
      () => client.getManifest(missing),
    ]) {
      const error = await thrown(call);
      expect(error).toBeInstanceOf(ManifestNotFoundError);
      expect(error).toMatchObject({
        transient: false,
        reference: `${registry.host}/team/app:no-such-tag`,
      });
      expect(error.message).toContain(`${registry.host}/team/app:no-such-tag`);
    }
    const getError = await thrown(() => client.getManifest(missing));
    expect(getError.message).toContain('MANIFEST_UNKNOWN');

    const unknownRepo = await thrown(() =>
      client.getManifest({ ...repo(), repository: 'team/nothing', tag: '1' }),
    );
    expect(unknownRepo).toBeInstanceOf(ManifestNotFoundError);
  });

  it('fails with RegistryAuthError that names host and repository but no secret', async () => {
    const wrongPassword = 'not-the-Pa55-word';
    const wrong = OciRegistryClient.create({
      credentials: async () => ({
        type: 'basic',
        username: auth.username,
        password: wrongPassword,
      }),
    });
    const anonymous = OciRegistryClient.create();
    const secrets = [
      wrongPassword,
      auth.password,
      Buffer.from(`${auth.username}:${wrongPassword}`).toString('base64'),
    ];

    for (const call of [
      () => wrong.headManifest({ ...repo(), tag: '1.0' }),
      () => wrong.pushBlob(repo(), Buffer.from('x')),
      () => anonymous.getManifest({ ...repo(), tag: '1.0' }),
    ]) {
      const error = await thrown(call);
      expect(error).toBeInstanceOf(RegistryAuthError);
      expect(error).toMatchObject({ transient: false });
      expect(error.message).toContain(registry.host);
      expect(error.message).toContain('team/app');
      for (const secret of secrets) {
        expect(error.message).not.toContain(secret);
        expect(error.stack).not.toContain(secret);
      }
    }
  });

  it(
    'reports a stopped registry as transient RegistryUnavailableError',
    async () => {
      const open = await startTestRegistry();
      const openClient = OciRegistryClient.create();
      await expect(
        openClient.blobExists(
          { registry: open.host, repository: 'team/app' },
          sha256Digest(Buffer.from('x')),
        ),
      ).resolves.toBe(false);
      await open.stop();

      const error = await thrown(() =>
        openClient.headManifest({
          registry: open.host,
          repository: 'team/app',
          tag: '1',
        }),
      );
      expect(error).toBeInstanceOf(RegistryUnavailableError);
      expect(error).toMatchObject({ transient: true });
      // Node's fetch error comes from another realm than Jest's `Error`.
      expect((error as RegistryUnavailableError).cause).toMatchObject({
        name: 'TypeError',
        message: 'fetch failed',
      });
      expect(error.message).toContain(open.host);
      expect(error.message).toContain('ECONNREFUSED');
    },
    START_TIMEOUT_MS,
  );
});
