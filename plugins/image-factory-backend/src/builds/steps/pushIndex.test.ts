import { TestDatabases } from '@backstage/backend-test-utils';
import {
  startTestRegistry,
  TestRegistry,
} from '../../__testUtils__/startTestRegistry';
import { OCI_IMAGE_INDEX, OciRegistryClient } from '../../registry';
import { imageEntity } from '../__testUtils__/imageEntity';
import { pushTestImage } from '../__testUtils__/pushTestImage';
import { testRun } from '../__testUtils__/testRun';
import { indexManifests, pushIndex } from './pushIndex';

jest.setTimeout(60_000);

const m = (platform: string, digest: string) => ({
  platform,
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1,
});

describe('indexManifests', () => {
  it("lists the image's platforms in its order, a built one before a reused one", () => {
    expect(
      indexManifests(
        ['linux/amd64', 'linux/arm64', 'linux/s390x'],
        [m('linux/s390x', 'sha256:built-s390x'), m('linux/amd64', 'sha256:a')],
        [m('linux/arm64', 'sha256:reused'), m('linux/amd64', 'sha256:old')],
      ).map(x => x.digest),
    ).toEqual(['sha256:a', 'sha256:reused', 'sha256:built-s390x']);
  });
});

describe('pushIndex (real registry)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry({
      auth: { username: 'ci', password: 'secret-pw' },
    });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('pushes one OCI image index under each tag, with the annotations, using the registry credentials', async () => {
    const image = imageEntity({
      name: 'app',
      registry: registry.host,
      repository: 'apps/app',
      platforms: ['linux/amd64', 'linux/s390x'],
    });
    const { run, lines } = await testRun({
      knex: await databases.init('SQLITE_3'),
      image,
      credentials: {
        host: registry.host,
        username: 'ci',
        password: 'secret-pw',
      },
    });
    const client = OciRegistryClient.create({
      credentials: async () => ({
        type: 'basic',
        username: 'ci',
        password: 'secret-pw',
      }),
    });
    const repo = { registry: registry.host, repository: 'apps/app' };
    const amd64 = await pushTestImage(client, repo, 'linux/amd64', 'x-amd64');
    const s390x = await pushTestImage(client, repo, 'linux/s390x', 'x-s390x');

    const digest = await pushIndex(run, {
      tags: ['latest', 'latest-20261204T120000.000Z'],
      manifests: [
        { platform: 'linux/amd64', ...amd64 },
        { platform: 'linux/s390x', ...s390x },
      ],
      annotations: { 'org.opencontainers.image.revision': 'abc' },
    });

    for (const tag of ['latest', 'latest-20261204T120000.000Z']) {
      const index = await client.getManifest({ ...repo, tag });
      expect(index.digest).toBe(digest);
      expect(index.mediaType).toBe(OCI_IMAGE_INDEX);
      expect(index.json.annotations).toEqual({
        'org.opencontainers.image.revision': 'abc',
      });
      expect(
        index.json.manifests!.map(x => [x.digest, x.platform!.architecture]),
      ).toEqual([
        [amd64.digest, 'amd64'],
        [s390x.digest, 's390x'],
      ]);
    }
    expect(await lines()).toEqual([
      `Pushing the image index ${registry.host}/apps/app:latest (also as latest-20261204T120000.000Z)`,
      expect.stringMatching(
        new RegExp(
          `^Pushed ${registry.host}/apps/app:latest: image index ${digest} `,
        ),
      ),
    ]);
  });
});
