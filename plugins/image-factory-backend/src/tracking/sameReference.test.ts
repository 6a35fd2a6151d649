import { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { DatabaseDigestStore, migrateDatabase } from '../database';
import { OciRegistryClient } from '../registry';
import { pushPlatformManifest } from './__testUtils__/pushImages';
import { BaseImageTracker } from './BaseImageTracker';
import { DigestWatcher } from './DigestWatcher';

/*
 * References Docker treats as the same image are one watched reference: the
 * four spellings of Ubuntu below cost one HEAD per pass, and show as one
 * watched image used by all. Docker Hub is the local registry here: the
 * client's fetch sends what it would send to registry-1.docker.io to it.
 */

jest.setTimeout(60_000);

const SPELLINGS = [
  'ubuntu',
  'library/ubuntu',
  'docker.io/library/ubuntu:latest',
  'index.docker.io/library/ubuntu:latest',
];
const CANONICAL = 'docker.io/library/ubuntu:latest';
const DAY = 24 * 60 * 60 * 1000;
const t0 = new Date('2026-11-01T00:00:00Z');

describe('references Docker treats as equal', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry();
    const pusher = OciRegistryClient.create();
    await pushPlatformManifest(
      pusher,
      { registry: registry.host, repository: 'library/ubuntu' },
      { os: 'linux', architecture: 'amd64' },
      'noble',
      'latest',
    );
  }, 30_000);
  afterAll(() => registry?.stop());

  it('runs on Postgres when it is provided, and it is under CI', () => {
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  /** Docker Hub's API host answered by the local registry; each manifest request recorded. */
  function hubOnLocalRegistry() {
    const requests: string[] = [];
    const hubFetch: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.host !== 'registry-1.docker.io') {
        throw new Error(`unexpected request to ${url.host}`);
      }
      const local = new URL(
        `${url.pathname}${url.search}`,
        `http://${registry.host}`,
      );
      if (url.pathname.includes('/manifests/')) {
        requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      }
      return fetch(local, init);
    };
    return { requests, fetch: hubFetch };
  }

  it.each(databases.eachSupportedId())(
    'checks the four spellings of one image once per pass and shows one watched reference, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database: DatabaseService = { getClient: async () => knex };
      await migrateDatabase(database);
      const store = DatabaseDigestStore.create({ client: knex });
      const { requests, fetch: hubFetch } = hubOnLocalRegistry();
      const clock = { now: t0 };
      const logger = mockServices.logger.mock();
      // Two external images spelled differently, and Dockerfiles of two
      // managed images spelling their base in the other two ways.
      const external = SPELLINGS.slice(0, 2).map((reference, i) => {
        const image = imageEntity({
          name: `ubuntu-${i}`,
          registry: 'docker.io',
          repository: 'library/ubuntu',
          platforms: ['linux/amd64'],
          type: 'external',
        });
        image.spec.reference = reference;
        return image;
      });
      const tracker = new BaseImageTracker({
        store,
        images: () => external,
        bases: () =>
          new Map([
            [SPELLINGS[2], ['image:default/app-a']],
            [SPELLINGS[3], ['image:default/app-b']],
          ]),
        logger,
        watcher: DigestWatcher.create({
          store,
          logger,
          registry: OciRegistryClient.create({
            fetch: hubFetch,
            clock: () => clock.now,
          }),
          clock: () => clock.now,
        }),
      });

      const first = await tracker.runOnce();
      expect(first.checked).toEqual([CANONICAL]);
      expect(first.errors).toEqual([]);
      expect(requests.filter(r => r.startsWith('HEAD'))).toEqual([
        'HEAD /v2/library/ubuntu/manifests/latest',
      ]);
      expect(requests.filter(r => r.startsWith('GET'))).toHaveLength(1);

      // The next pass after the interval: one HEAD again, no GET.
      requests.length = 0;
      clock.now = new Date(t0.getTime() + 2 * DAY);
      expect((await tracker.runOnce()).checked).toEqual([CANONICAL]);
      expect(requests).toEqual(['HEAD /v2/library/ubuntu/manifests/latest']);

      const status = await tracker.status();
      expect(status.map(s => s.reference)).toEqual([CANONICAL]);
      expect([...status[0].usedBy].sort()).toEqual([
        'image:default/app-a',
        'image:default/app-b',
        'image:default/ubuntu-0',
        'image:default/ubuntu-1',
      ]);
      expect(status[0].digest).toMatch(/^sha256:/);
      // Whatever the spelling, the store answers for the one reference.
      for (const spelling of SPELLINGS) {
        expect((await store.getCurrent(spelling))?.digest.digest).toBe(
          status[0].digest,
        );
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'does not watch a reference pinned by digest, with or without its tag, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex });
      const store = DatabaseDigestStore.create({ client: knex });
      const watcher = DigestWatcher.create({
        store,
        logger: mockServices.logger.mock(),
        registry: OciRegistryClient.create({
          fetch: hubOnLocalRegistry().fetch,
        }),
        clock: () => t0,
      });
      const digest = `sha256:${'a'.repeat(64)}`;
      expect(
        await watcher.setWatched([
          `ubuntu:latest@${digest}`,
          `ubuntu@${digest}`,
          'ubuntu',
        ]),
      ).toEqual({
        watched: [CANONICAL],
        ignored: [`ubuntu:latest@${digest}`, `ubuntu@${digest}`],
      });
    },
  );
});
