import { TestDatabases } from '@backstage/backend-test-utils';
import { createHash } from 'node:crypto';
import {
  startTestRegistry,
  TestRegistry,
} from '../../__testUtils__/startTestRegistry';
import { thrown } from '../../__testUtils__/thrown';
import { migrateDatabase } from '../../database/migrateDatabase';
import {
  ManifestNotFoundError,
  OCI_IMAGE_MANIFEST,
  OciRegistryClient,
  RegistryAuthError,
  RepositoryRef,
} from '../../registry';
import { buildTestWheel } from '../__testUtils__/buildTestWheel';
import { WheelPublisher } from '../WheelPublisher';
import {
  RegistryWheelBlobStore,
  WHEEL_ARTIFACT_TYPE,
  WHEEL_METADATA_ARTIFACT_TYPE,
} from './RegistryWheelBlobStore';
import { WheelFileStore } from './WheelFileStore';

jest.setTimeout(60_000);

const auth = { username: 'refinery', password: 'Wheels-in-the-registry' };
const EMPTY = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest:
    'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};

const sha256 = (bytes: Buffer) =>
  createHash('sha256').update(bytes).digest('hex');

describe('RegistryWheelBlobStore against a distribution registry with htpasswd auth', () => {
  let registry: TestRegistry;
  /** Every request the stores' clients sent, as `METHOD /path`. */
  let requests: string[];

  beforeAll(async () => {
    registry = await startTestRegistry({ auth });
  }, 30_000);
  afterAll(() => registry?.stop());
  beforeEach(() => {
    requests = [];
  });

  const repo = (repository = 'image-factory/wheels'): RepositoryRef => ({
    registry: registry.host,
    repository,
  });

  function createClient(password = auth.password) {
    return OciRegistryClient.create({
      credentials: async host =>
        host === registry.host
          ? { type: 'basic', username: auth.username, password }
          : undefined,
      fetch: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input);
        requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
        return fetch(input, init);
      },
    });
  }

  const createStore = (repository?: string, password?: string) =>
    new RegistryWheelBlobStore({
      repository: repo(repository),
      client: () => createClient(password),
    });

  const uploads = () =>
    requests.filter(r => r.startsWith('POST ') || r.startsWith('PUT '));

  it('stores bytes as a tagged artifact and reads them back; again, it uploads nothing', async () => {
    const store = createStore();
    const bytes = Buffer.from('pretend this is a zip file');
    const hex = sha256(bytes);
    const name = 'demo-1.0-py3-none-any.whl';

    await store.put(hex, bytes, name);
    // The wheel and the empty config (two uploads each), then the manifest.
    expect(uploads()).toEqual([
      'POST /v2/image-factory/wheels/blobs/uploads/',
      expect.stringMatching(
        /^PUT \/v2\/image-factory\/wheels\/blobs\/uploads\//,
      ),
      'POST /v2/image-factory/wheels/blobs/uploads/',
      expect.stringMatching(
        /^PUT \/v2\/image-factory\/wheels\/blobs\/uploads\//,
      ),
      `PUT /v2/image-factory/wheels/manifests/sha256-${hex}`,
    ]);
    expect(await store.get(hex)).toEqual(bytes);

    const client = createClient();
    const manifest = await client.getManifest({
      ...repo(),
      tag: `sha256-${hex}`,
    });
    expect(manifest.mediaType).toBe(OCI_IMAGE_MANIFEST);
    expect(manifest.json).toEqual({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      artifactType: WHEEL_ARTIFACT_TYPE,
      config: EMPTY,
      layers: [
        {
          mediaType: 'application/octet-stream',
          digest: `sha256:${hex}`,
          size: bytes.length,
          annotations: { 'org.opencontainers.image.title': name },
        },
      ],
    });
    expect(await client.getBlob(repo(), EMPTY.digest)).toEqual(
      Buffer.from('{}'),
    );

    requests = [];
    await store.put(hex, bytes, name);
    await store.put(hex, bytes, 'another-name.whl');
    expect(uploads()).toEqual([]);
    const again = await client.headManifest({
      ...repo(),
      tag: `sha256-${hex}`,
    });
    expect(again.digest).toBe(manifest.digest);
  });

  it('tags a blob the repository holds already without uploading it again, and keeps a metadata file apart', async () => {
    const repository = 'image-factory/pushed-before';
    const store = createStore(repository);
    const bytes = Buffer.from(
      'Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n',
    );
    const hex = sha256(bytes);
    await createClient().pushBlob(repo(repository), bytes);
    await createClient().pushBlob(repo(repository), Buffer.from('{}'));

    requests = [];
    await store.put(hex, bytes, 'demo-1.0-py3-none-any.whl.metadata');
    expect(uploads()).toEqual([
      `PUT /v2/${repository}/manifests/sha256-${hex}`,
    ]);
    const manifest = await createClient().getManifest({
      ...repo(repository),
      tag: `sha256-${hex}`,
    });
    expect(manifest.json.artifactType).toBe(WHEEL_METADATA_ARTIFACT_TYPE);
    expect(manifest.json.layers?.[0].annotations).toEqual({
      'org.opencontainers.image.title': 'demo-1.0-py3-none-any.whl.metadata',
    });
    expect(await store.get(hex)).toEqual(bytes);
  });

  it('answers undefined for bytes it does not hold, in a known or an unknown repository', async () => {
    const unknown = 'f'.repeat(64);
    expect(await createStore().get(unknown)).toBeUndefined();
    expect(await createStore('image-factory/never-pushed').get(unknown)).toBe(
      undefined,
    );
    await expect(createStore().get('../../etc/passwd')).rejects.toThrow(
      'not a sha256 digest: ../../etc/passwd',
    );
  });

  it('refuses bytes that do not have the digest they are stored under, and stores nothing', async () => {
    const store = createStore();
    const bytes = Buffer.from('these bytes');
    const claimed = sha256(Buffer.from('other bytes'));
    await expect(
      store.put(claimed, bytes, 'x-1-py3-none-any.whl'),
    ).rejects.toThrow(`bytes have sha256 ${sha256(bytes)}, not ${claimed}`);
    expect(requests).toEqual([]);
    expect(await store.get(claimed)).toBeUndefined();
    expect(await store.get(sha256(bytes))).toBeUndefined();
    const error = await thrown(() =>
      createClient().headManifest({ ...repo(), tag: `sha256-${claimed}` }),
    );
    expect(error).toBeInstanceOf(ManifestNotFoundError);
  });

  it("fails with the registry's auth error on wrong credentials, never as absent bytes", async () => {
    const store = createStore(undefined, 'not-the-password');
    const bytes = Buffer.from('some wheel');
    const hex = sha256(bytes);
    const put = await thrown(() =>
      store.put(hex, bytes, 'w-1-py3-none-any.whl'),
    );
    expect(put).toBeInstanceOf(RegistryAuthError);
    expect(put.message).not.toContain('not-the-password');
    const get = await thrown(() => store.get(hex));
    expect(get).toBeInstanceOf(RegistryAuthError);
    expect(get.message).toContain('HTTP 401');
  });

  describe('behind a WheelPublisher', () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

    it('publishes a real wheel, which published() then returns from the registry', async () => {
      const knex = await databases.init('SQLITE_3');
      await migrateDatabase({ getClient: async () => knex });
      const files = WheelFileStore.create({ client: knex });
      const store = createStore('image-factory/published-wheels');
      const publisher = new WheelPublisher({ files, blobs: store });
      const wheel = await buildTestWheel({
        name: 'registry-stored',
        version: '1.0',
      });

      const { file, added } = await publisher.publish(
        wheel.filename,
        wheel.bytes,
      );
      expect(added).toBe(true);
      expect(
        await publisher.published('registry-stored', '1.0', 'linux/amd64'),
      ).toEqual([{ filename: wheel.filename, bytes: wheel.bytes }]);

      const client = createClient();
      const published = repo('image-factory/published-wheels');
      const wheelManifest = await client.getManifest({
        ...published,
        tag: `sha256-${file.sha256}`,
      });
      expect(wheelManifest.json.artifactType).toBe(WHEEL_ARTIFACT_TYPE);
      expect(wheelManifest.json.layers?.[0].annotations).toEqual({
        'org.opencontainers.image.title': wheel.filename,
      });
      const metadataManifest = await client.getManifest({
        ...published,
        tag: `sha256-${file.metadataSha256}`,
      });
      expect(metadataManifest.json.artifactType).toBe(
        WHEEL_METADATA_ARTIFACT_TYPE,
      );
      expect(metadataManifest.json.layers?.[0].annotations).toEqual({
        'org.opencontainers.image.title': `${wheel.filename}.metadata`,
      });
      expect((await store.get(file.metadataSha256))?.toString()).toContain(
        'Name: registry-stored',
      );
    });
  });
});
