import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { parseWheelsFile } from '@image-factory/plugin-image-factory-common';
import Dockerode from 'dockerode';
import os from 'os';
import { createRefineryQueue } from './queue/createRefineryQueue';
import { queueBuilderDependents } from './queueBuilderDependents';
import { createTestWheelStore } from './__testUtils__/testWheelStore';

jest.setTimeout(60_000);

const WHEELS_YAML = `wheelSets:
  - name: web
    owner: team-web
    requirements: [MarkupSafe==2.1.2]
    targets: [{ python: cp311, platforms: [linux/amd64, linux/s390x] }]
    builder: wheel-builder
  - name: ffi
    owner: platform-team
    requirements: [cffi==1.15.1]
    targets: [{ python: cp311, platforms: [linux/amd64] }]
    builder: wheel-builder
  - name: other
    owner: team-web
    requirements: [msgpack==1.0.3]
    targets: [{ python: cp311, platforms: [linux/amd64] }]
    builder: python-toolchain
`;

describe('queueBuilderDependents', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'queues a run of each set that builds in the image the factory built, and of no other, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { files, publisher } = await createTestWheelStore(
        knex,
        os.tmpdir(),
      );
      const queue = createRefineryQueue({
        client: knex,
        // Not started: the runs stay queued for this test to read.
        docker: new Dockerode({ socketPath: '/nonexistent.sock' }),
        files,
        publisher,
        builders: {},
        config: {
          concurrency: 1,
          maxAttempts: 1,
          leaseMs: 60_000,
          pollIntervalMs: 60_000,
        },
        logger: mockServices.logger.mock(),
      });
      const sets = async () => parseWheelsFile(WHEELS_YAML).sets;

      const queued = await queueBuilderDependents({
        imageName: 'wheel-builder',
        entityRef: 'image:default/wheel-builder',
        sets,
        queue,
        logger: mockServices.logger.mock(),
      });
      expect(queued).toEqual(['web', 'ffi']);
      const runs = await queue.listRuns({ limit: 10 });
      expect(runs.map(r => [r.set, r.status, r.requestedBy]).sort()).toEqual([
        ['ffi', 'queued', 'image:default/wheel-builder'],
        ['web', 'queued', 'image:default/wheel-builder'],
      ]);

      // An image no set builds in queues nothing.
      await expect(
        queueBuilderDependents({
          imageName: 'hello-web',
          entityRef: 'image:default/hello-web',
          sets,
          queue,
          logger: mockServices.logger.mock(),
        }),
      ).resolves.toEqual([]);
      expect(await queue.listRuns({ limit: 10 })).toHaveLength(2);
    },
  );
});
