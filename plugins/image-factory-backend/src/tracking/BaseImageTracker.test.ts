import { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { DatabaseDigestStore, migrateDatabase } from '../database';
import { OciRegistryClient } from '../registry';
import { BaseImageTracker } from './BaseImageTracker';
import { DigestWatcher } from './DigestWatcher';

const day = (n: number) => new Date(Date.UTC(2026, 10, n, 10));
const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('BaseImageTracker.status', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('shows when each reference was first seen, when it last changed and its previous digests', async () => {
    const knex = await databases.init('SQLITE_3');
    const database: DatabaseService = { getClient: async () => knex };
    await migrateDatabase(database);
    const store = DatabaseDigestStore.create({ client: knex });
    const logger = mockServices.logger.mock();
    const tracker = new BaseImageTracker({
      // status() reads the store only; the watcher would check the registry.
      watcher: DigestWatcher.create({
        store,
        registry: OciRegistryClient.create(),
        logger,
      }),
      store,
      images: () => [
        imageEntity({
          name: 'node-base',
          registry: 'docker.io',
          repository: 'library/node',
          tag: '22',
          platforms: ['linux/amd64'],
          type: 'base',
          // The factory builds node-base itself and pushes it to node:22.
          source: {
            repo: 'acme/node-base',
            dockerfile: 'Dockerfile',
            context: '.',
          },
        }),
        imageEntity({
          name: 'alpine-base',
          registry: 'docker.io',
          repository: 'library/alpine',
          platforms: ['linux/amd64'],
          type: 'external',
        }),
      ],
      bases: () =>
        new Map([['docker.io/library/node:22', ['image:default/web']]]),
      logger,
    });
    const node = 'docker.io/library/node:22';
    await store.syncWatched(
      [
        { reference: node, registry: 'docker.io' },
        { reference: 'docker.io/library/alpine:latest', registry: 'docker.io' },
      ],
      day(1),
    );
    // Six digests over six days, then the latest one seen again.
    for (const [i, c] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) {
      await store.recordObservation(
        node,
        {
          digest: digest(c),
          platforms: [{ platform: 'linux/amd64', digest: digest(`${i}`) }],
        },
        day(i + 1),
      );
    }
    await store.recordObservation(
      node,
      {
        digest: digest('f'),
        platforms: [{ platform: 'linux/amd64', digest: digest('5') }],
      },
      day(8),
    );
    await store.recordCheck(node, { checkedAt: day(8), nextCheckAt: day(9) });

    const [alpine, nodeStatus] = await tracker.status();
    expect(nodeStatus).toEqual({
      reference: node,
      usedBy: ['image:default/node-base', 'image:default/web'],
      builtBy: 'image:default/node-base',
      digest: digest('f'),
      // The current digest's first sighting: when the reference last changed.
      firstSeenAt: day(6).toISOString(),
      watchedSince: day(1).toISOString(),
      platforms: [{ platform: 'linux/amd64', digest: digest('5') }],
      history: [
        {
          digest: digest('f'),
          firstSeenAt: day(6).toISOString(),
          lastSeenAt: day(8).toISOString(),
        },
        ...['e', 'd', 'c', 'b'].map((c, i) => ({
          digest: digest(c),
          firstSeenAt: day(5 - i).toISOString(),
          lastSeenAt: day(5 - i).toISOString(),
        })),
      ],
      lastCheckedAt: day(8).toISOString(),
      nextCheckAt: day(9).toISOString(),
    });
    // Watched but never seen: neither a digest nor a history; built elsewhere.
    expect(alpine).toEqual({
      reference: 'docker.io/library/alpine:latest',
      usedBy: ['image:default/alpine-base'],
      nextCheckAt: day(1).toISOString(),
    });
  });
});
