import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  RegistryBudget,
  RegistryBudgetList,
} from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import {
  DENIED_USER,
  recordingPermissions,
} from '../__testUtils__/recordingPermissions';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { imageFactoryPlugin } from '../plugin';
import { OciRegistryClient } from '../registry';
import { pushPlatformManifest } from '../tracking/__testUtils__/pushImages';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;

/*
 * The plugin as installed, with a budget of one request an hour for the
 * real local registry: after the scheduled check of its base image, the
 * route shows the budget spent, and Docker Hub's default budget.
 */
describe('GET /tracking/registries', () => {
  let registry: TestRegistry;
  let dir: string;
  const asked: Array<{ name: string; resourceRef?: string }> = [];

  beforeAll(async () => {
    registry = await startTestRegistry();
    await pushPlatformManifest(
      OciRegistryClient.create(),
      { registry: registry.host, repository: 'base/budgeted' },
      { os: 'linux', architecture: 'amd64' },
      'r1',
      'stable',
    );
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tracking-routes-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'images:',
        '  - name: budgeted-base',
        '    type: base',
        '    owner: platform-team',
        `    reference: ${registry.host}/base/budgeted:stable`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await registry?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function start(tracking: object): Promise<Server> {
    const { server } = await startTestBackend({
      features: [
        imageFactoryPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        recordingPermissions(asked),
        mockServices.rootConfig.factory({
          data: {
            imageFactory: {
              images: { location: path.join(dir, 'images.yaml') },
              tracking,
            },
          },
        }),
      ],
    });
    return server;
  }

  it("shows each host's budget, what it spent and when it checks next", async () => {
    const server = await start({
      registries: {
        local: {
          host: registry.host,
          requestsPerHour: 1,
          burst: 1,
          interval: { hours: 6 },
        },
      },
    });

    const host = registry.host;
    let local: RegistryBudget | undefined;
    let body: RegistryBudgetList | undefined;
    for (let i = 0; i < 200; i++) {
      const res = await request(server)
        .get('/api/image-factory/tracking/registries')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      body = res.body;
      local = body?.items.find(b => b.host === host);
      if (local?.requestsLastHour) break;
      await new Promise(r => setTimeout(r, 50));
    }

    expect(body?.enabled).toBe(true);
    expect(Date.parse(body!.countingSince!)).not.toBeNaN();
    // One HEAD and the GET of the new digest, on credit: the bucket is empty.
    expect(local).toEqual({
      host: registry.host,
      requestsPerHour: 1,
      burst: 1,
      intervalMs: 6 * HOUR,
      tokensLeft: 0,
      nextTokenAt: expect.any(String),
      requestsLastHour: 2,
      requestsLastDay: 2,
      watchedReferences: 1,
      nextCheckAt: expect.any(String),
    });
    expect(
      Date.parse(local!.nextCheckAt!) - Date.parse(body!.countingSince!),
    ).toBeGreaterThan(5 * HOUR);
    expect(body?.items.find(b => b.host === 'docker.io')).toEqual({
      host: 'docker.io',
      requestsPerHour: 16,
      burst: 16,
      intervalMs: 24 * HOUR,
      tokensLeft: 16,
      requestsLastHour: 0,
      requestsLastDay: 0,
      watchedReferences: 0,
    });
    expect(asked).toContainEqual({
      name: 'image-factory.status.read',
      resourceRef: undefined,
    });

    const denied = await request(server)
      .get('/api/image-factory/tracking/registries')
      .set('Authorization', mockCredentials.user.header(DENIED_USER));
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'Not allowed to read the registry request budgets',
    );
    const anonymous = await request(server).get(
      '/api/image-factory/tracking/registries',
    );
    expect(anonymous.status).toBe(401);
  });

  it('says when tracking is disabled', async () => {
    const server = await start({ enabled: false });
    const res = await request(server)
      .get('/api/image-factory/tracking/registries')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ enabled: false, items: [] });
  });
});
