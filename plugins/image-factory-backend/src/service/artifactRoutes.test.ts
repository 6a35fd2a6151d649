import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { BuildArtifactList } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { DatabaseBuildStore, DatabaseImagesStore } from '../database';
import { imageFactoryPlugin } from '../plugin';

jest.setTimeout(60_000);

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('GET /artifacts', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'artifact-routes-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        '  - name: hello',
        '    type: managed',
        '    owner: team-web',
        '    reference: 127.0.0.1:5000/apps/hello',
        '    platforms: [linux/amd64, linux/s390x]',
        '    source:',
        '      repo: acme/hello',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers the last N succeeded runs per image with their digests, cause, bases and executor', async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        imageFactoryPlugin,
        mockServices.database.factory({ knex }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            imageFactory: {
              images: { location: path.join(dir, 'images.yaml') },
              tracking: { enabled: false },
              builds: { worker: false, catalogEntitiesPerImage: 2 },
              // The runs are the test's own, not a first-sight build.
              rebuilds: { automaticBuilds: false },
              providers: {
                executors: {
                  'local-docker': {
                    host: 'unix:///tmp/artifact-routes-no-docker.sock',
                  },
                },
              },
            },
          },
        }),
      ],
    });
    try {
      // Three runs through the real queue and ledger: two succeed, one fails.
      const store = DatabaseBuildStore.create({ client: knex });
      // `gone` was enrolled, built and un-enrolled: it is in the archive.
      const images = DatabaseImagesStore.create({ client: knex });
      const present = (name: string) => ({
        entityRef: `image:default/${name}`,
        type: 'managed',
        reference: `127.0.0.1:5000/apps/${name}`,
        owner: 'group:default/team-web',
      });
      await images.syncPresent(
        [present('hello'), present('gone')],
        new Date(Date.UTC(2026, 10, 1)),
      );
      await images.syncPresent(
        [present('hello')],
        new Date(Date.UTC(2026, 10, 2)),
      );
      const outcomes = ['a', 'b', undefined, 'c', 'e'];
      for (const [i, index] of outcomes.entries()) {
        const id = `00000000-0000-4000-8000-00000000000${i}`;
        const name = i === 4 ? 'gone' : 'hello';
        await store.enqueue({
          id,
          imageName: name,
          entityRef: `image:default/${name}`,
          cause: i === 3 ? 'base-change' : 'manual',
          force: false,
          inputs: { platforms: ['linux/amd64', 'linux/s390x'] },
          createdAt: new Date(Date.UTC(2026, 10, 23, 10, i)),
        });
        const now = new Date(Date.UTC(2026, 10, 23, 10, i, 30));
        await store.claim({ owner: 'test', leaseMs: 60_000, now });
        await store.setInputs({
          id,
          owner: 'test',
          inputs: {
            platforms: ['linux/amd64', 'linux/s390x'],
            baseDigests: { 'docker.io/library/debian:12': digest('d') },
          },
          inputsHash: `hash-${i}`,
          reference: '127.0.0.1:5000/apps/hello:latest',
        });
        for (const [p, platform] of ['linux/amd64', 'linux/s390x'].entries()) {
          await store.setPlatform(id, {
            platform,
            status: index ? 'succeeded' : 'failed',
            executor: 'local-docker',
            emulated: p === 1,
            ...(index ? { digest: digest(`${index}${p}`.slice(-1)) } : {}),
            buildDurationMs: 1000,
            pushDurationMs: 200,
          });
        }
        await store.finish({
          id,
          owner: 'test',
          end: index
            ? { status: 'succeeded', indexDigest: digest(index) }
            : { status: 'failed', reason: 'boom', errorType: 'build-failed' },
          now,
        });
      }

      const server = backend.server;
      expect(
        (await request(server).get('/api/image-factory/artifacts')).status,
      ).toBe(401);
      const bad = await request(server)
        .get('/api/image-factory/artifacts?perImage=x')
        .set('Authorization', mockCredentials.service.header());
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^perImage: must be a whole/);

      // The catalog module asks with its service token; images.yaml may still be read.
      let res: request.Response;
      for (let i = 0; ; i++) {
        res = await request(server)
          .get('/api/image-factory/artifacts')
          .set('Authorization', mockCredentials.service.header());
        const hello = res.body.items?.find(
          (a: { imageName: string }) => a.imageName === 'hello',
        );
        if (hello?.owner || i > 100) break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(res.status).toBe(200);
      const body: BuildArtifactList = res.body;
      expect(body.perImage).toBe(2);
      const gone = body.items.filter(a => a.imageName === 'gone');
      expect(gone.map(a => [a.digest, a.archived, a.owner])).toEqual([
        [digest('e'), true, undefined],
      ]);
      body.items = body.items.filter(a => a.imageName === 'hello');
      expect(body.items.map(a => a.digest)).toEqual([digest('c'), digest('b')]);
      expect(body.items[0]).toEqual({
        runId: '00000000-0000-4000-8000-000000000003',
        imageName: 'hello',
        image: 'image:default/hello',
        owner: 'group:default/team-web',
        reference: '127.0.0.1:5000/apps/hello:latest',
        digest: digest('c'),
        tags: ['latest'],
        platforms: [
          { platform: 'linux/amd64', digest: digest('0') },
          { platform: 'linux/s390x', digest: digest('1') },
        ],
        cause: 'base-change',
        builtFrom: [
          { reference: 'docker.io/library/debian:12', digest: digest('d') },
        ],
        producedBy: 'provider:default/executor-local-docker',
        createdAt: '2026-11-23T10:03:30.000Z',
      });

      const one = await request(server)
        .get('/api/image-factory/artifacts?perImage=1')
        .set('Authorization', mockCredentials.user.header());
      expect(one.body.items).toHaveLength(2);
    } finally {
      await backend.stop();
    }
  });
});
