import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import {
  ImageFactoryStatus,
  WatchedImageStatus,
} from '@image-factory/plugin-image-factory-common';
import {
  BUILD_FINISHED_TOPIC,
  BuildFinishedEvent,
} from '@image-factory/plugin-image-factory-node';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { imageFactoryPlugin } from '../plugin';
import { OciRegistryClient } from '../registry';
import { pushIndex, pushPlatformManifest } from './__testUtils__/pushImages';

jest.setTimeout(60_000);

/*
 * The plugin as installed: images.yaml names a base image on a real registry
 * that wants credentials from `imageFactory.providers.registries`; the
 * scheduled tracking task checks it, and the status route shows the result.
 */
describe('base-image tracking in the plugin', () => {
  const auth = { username: 'factory', password: 's3cret-pass' };
  let registry: TestRegistry;
  let dir: string;
  let indexDigest: string;

  beforeAll(async () => {
    registry = await startTestRegistry({ auth });
    const client = OciRegistryClient.create({
      credentials: async () => ({ type: 'basic', ...auth }),
    });
    const repo = { registry: registry.host, repository: 'base/busybox' };
    const amd64 = await pushPlatformManifest(
      client,
      repo,
      { os: 'linux', architecture: 'amd64' },
      'r1',
    );
    const s390x = await pushPlatformManifest(
      client,
      repo,
      { os: 'linux', architecture: 's390x' },
      'r1',
    );
    indexDigest = await pushIndex(client, repo, 'stable', [amd64, s390x]);
  });
  afterAll(() => registry.stop());

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-factory-tracking-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('shows each watched base image with its digest, platforms and users', async () => {
    const location = path.join(dir, 'images.yaml');
    await fs.writeFile(
      location,
      [
        'images:',
        '  - name: busybox-base',
        '    type: base',
        '    owner: platform-team',
        `    reference: ${registry.host}/base/busybox:stable`,
        '  - name: missing-base',
        '    type: external',
        '    owner: platform-team',
        `    reference: ${registry.host}/base/missing:1`,
        '  - name: app',
        '    type: managed',
        '    owner: team-web',
        `    reference: ${registry.host}/apps/app`,
        '    source: { repo: acme/app }',
        '',
      ].join('\n'),
    );
    const { server } = await startTestBackend({
      features: [
        imageFactoryPlugin,
        mockServices.rootConfig.factory({
          data: {
            imageFactory: {
              images: { location },
              providers: {
                registries: { test: { host: registry.host, ...auth } },
              },
            },
          },
        }),
      ],
    });

    let status: ImageFactoryStatus | undefined;
    for (let i = 0; i < 200; i++) {
      const res = await request(server)
        .get('/api/image-factory/status')
        .set('Authorization', mockCredentials.user.header());
      status = res.body;
      const refs = status?.tracking?.references ?? [];
      if (refs.length === 2 && refs.every(r => r.lastCheckedAt)) break;
      await new Promise(r => setTimeout(r, 50));
    }

    const [busybox, missing] = status!.tracking!.references;
    expect(busybox).toMatchObject({
      reference: `${registry.host}/base/busybox:stable`,
      usedBy: ['image:default/busybox-base'],
      digest: indexDigest,
      platforms: [
        { platform: 'linux/amd64', digest: expect.stringMatching(/^sha256:/) },
        { platform: 'linux/s390x', digest: expect.stringMatching(/^sha256:/) },
      ],
    });
    expect(busybox.lastError).toBeUndefined();
    expect(busybox.firstSeenAt).toBeDefined();
    // One digest so far: the reference changed when it was first seen.
    expect(busybox.watchedSince).toBe(busybox.firstSeenAt);
    expect(busybox.history).toEqual([
      {
        digest: indexDigest,
        firstSeenAt: busybox.firstSeenAt,
        lastSeenAt: expect.any(String),
      },
    ]);
    expect(missing).toMatchObject({
      reference: `${registry.host}/base/missing:1`,
      usedBy: ['image:default/missing-base'],
      lastError: expect.stringMatching(/^ManifestNotFoundError: /),
    });
    // Managed images are built, not watched; their bases join with enrollment.
    expect(status!.tracking!.references).toHaveLength(2);
    // The registry password never reaches the API.
    expect(JSON.stringify(status)).not.toContain(auth.password);
  });

  it('checks a base the factory has just built and pushed at once, not at its next interval', async () => {
    const client = OciRegistryClient.create({
      credentials: async () => ({ type: 'basic', ...auth }),
    });
    const repo = { registry: registry.host, repository: 'base/pushed' };
    const first = await pushPlatformManifest(
      client,
      repo,
      { os: 'linux', architecture: 'amd64' },
      'first',
      '1',
    );
    const location = path.join(dir, 'images.yaml');
    await fs.writeFile(
      location,
      [
        'images:',
        '  - name: pushed-base',
        '    type: base',
        '    owner: platform-team',
        `    reference: ${registry.host}/base/pushed:1`,
        '',
      ].join('\n'),
    );
    // What the build engine publishes when a run has pushed its image.
    let events: EventsService | undefined;
    const publisher = createBackendModule({
      pluginId: 'image-factory',
      moduleId: 'test-build-finished',
      register(env) {
        env.registerInit({
          deps: { events: eventsServiceRef },
          async init(deps) {
            events = deps.events;
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        imageFactoryPlugin,
        publisher,
        mockServices.rootConfig.factory({
          data: {
            imageFactory: {
              images: { location },
              // Checked once a day: only the push can make it check again.
              tracking: { interval: { hours: 24 } },
              providers: {
                registries: { test: { host: registry.host, ...auth } },
              },
            },
          },
        }),
      ],
    });
    const watched = async (digest: string) => {
      let row: WatchedImageStatus | undefined;
      for (let i = 0; i < 200; i++) {
        const res = await request(server)
          .get('/api/image-factory/status')
          .set('Authorization', mockCredentials.user.header());
        row = (res.body as ImageFactoryStatus).tracking?.references[0];
        if (row?.digest === digest) return row;
        await new Promise(r => setTimeout(r, 50));
      }
      return row;
    };
    expect((await watched(first.digest))?.digest).toBe(first.digest);

    const second = await pushPlatformManifest(
      client,
      repo,
      { os: 'linux', architecture: 'amd64' },
      'second',
      '1',
    );
    const eventPayload: BuildFinishedEvent = {
      runId: 'run-1',
      imageName: 'pushed-base',
      entityRef: 'image:default/pushed-base',
      indexDigest: second.digest,
    };
    await events!.publish({ topic: BUILD_FINISHED_TOPIC, eventPayload });
    expect((await watched(second.digest))?.digest).toBe(second.digest);
  });
});
