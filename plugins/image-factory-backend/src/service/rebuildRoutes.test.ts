import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import {
  AuditEventList,
  EmergencyRebuildResponse,
  UpcomingRebuildList,
} from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { recordingPermissions } from '../__testUtils__/recordingPermissions';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(60_000);

const R = '127.0.0.1:1';

function entry(
  name: string,
  reference: string,
  repo: string,
  type = 'managed',
) {
  return [
    `  - name: ${name}`,
    `    type: ${type}`,
    '    owner: team-web',
    `    reference: ${reference}`,
    '    platforms: [linux/amd64]',
    '    source:',
    `      repo: ${repo}`,
  ];
}

describe('rebuild routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const asked: Array<{ name: string; resourceRef?: string }> = [];
  const sent: NotificationSendOptions[] = [];
  let github: GitHubTestServer;
  let dir: string;
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'runtime',
          files: { Dockerfile: 'FROM debian:12\n' },
        },
        {
          owner: 'acme',
          name: 'web',
          files: { Dockerfile: `FROM ${R}/apps/runtime:1\n` },
        },
      ],
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rebuild-routes-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        ...entry('runtime', `${R}/apps/runtime:1`, 'acme/runtime'),
        ...entry('web', `${R}/apps/web:1`, 'acme/web'),
        // A base image the factory builds, and one it only watches.
        ...entry('toolbox', `${R}/base/toolbox:1`, 'acme/runtime', 'base'),
        '  - name: debian',
        '    type: external',
        '    owner: team-web',
        '    reference: docker.io/library/debian:12',
        '    platforms: [linux/amd64]',
        '',
      ].join('\n'),
    );
    const knex = await databases.init('SQLITE_3');
    ({ server, stop } = await startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      features: [
        recordingPermissions(asked),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            async send(options: NotificationSendOptions) {
              sent.push(options);
            },
          }),
        }),
      ],
      // The test asks for the plans itself.
      imageFactory: { rebuilds: { enabled: false } },
    }));
    // The Dockerfiles are read by a scheduled task shortly after start.
    for (let i = 0; i < 200; i++) {
      const res = await request(server)
        .get('/api/image-factory/graph')
        .set('Authorization', mockCredentials.user.header());
      if (res.body.edges?.length >= 2) return;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error('the graph never got its edges');
  });

  afterAll(async () => {
    await stop?.();
    await github?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const as = (user: string) => mockCredentials.user.header(user);
  const post = (url: string, user = 'user:default/jane') =>
    request(server)
      .post(`/api/image-factory${url}`)
      .set('Authorization', as(user));
  const get = (url: string) =>
    request(server)
      .get(`/api/image-factory${url}`)
      .set('Authorization', as('user:default/jane'));

  it('refuses an emergency rebuild without a token, a justification, a known image or the permission, and changes nothing', async () => {
    expect(
      (
        await request(server)
          .post('/api/image-factory/images/runtime/emergency-rebuilds')
          .send({ justification: 'CVE-2026-1234' })
      ).status,
    ).toBe(401);

    const noJustification = await post(
      '/images/runtime/emergency-rebuilds',
    ).send({ cascade: true });
    expect(noJustification.status).toBe(400);
    expect(noJustification.body.error.message).toMatch(
      /^Invalid request body: justification: /,
    );
    const blank = await post('/images/runtime/emergency-rebuilds').send({
      justification: '  ',
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error.message).toMatch(/justification: is required/);

    const unknown = await post('/images/nope/emergency-rebuilds').send({
      justification: 'CVE-2026-1234',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("No image named 'nope'");

    asked.length = 0;
    const denied = await post(
      '/images/runtime/emergency-rebuilds',
      'user:default/guest',
    ).send({ justification: 'CVE-2026-1234' });
    expect(denied.status).toBe(403);
    // First whether the user may see the image at all, then the action.
    expect(asked).toEqual([
      { name: 'catalog.entity.read', resourceRef: 'image:default/runtime' },
      {
        name: 'image-factory.rebuild.emergency',
        resourceRef: 'image:default/runtime',
      },
    ]);

    expect((await get('/images/runtime/builds')).body.items).toEqual([]);
    expect((await get('/images/runtime/audit')).body).toEqual({ items: [] });
    expect((await get('/rebuilds/upcoming')).body).toEqual({ items: [] });
    expect(sent).toEqual([]);
  });

  it('queues an allowed emergency rebuild with its cascade, audits it and notifies the owner', async () => {
    const res = await post('/images/runtime/emergency-rebuilds').send({
      justification: 'CVE-2026-1234: openssl',
      cascade: true,
    });
    expect(res.status).toBe(202);
    const body: EmergencyRebuildResponse = res.body;
    expect(body.runs).toHaveLength(1);
    expect(body.runs[0]).toMatchObject({
      imageName: 'runtime',
      cause: 'emergency',
      causeDetail: 'CVE-2026-1234: openssl',
      requestedBy: 'user:default/jane',
      status: 'queued',
    });
    expect(body.audit).toMatchObject({
      entityRef: 'image:default/runtime',
      action: 'emergency-rebuild',
      actor: 'user:default/jane',
      justification: 'CVE-2026-1234: openssl',
      runIds: [body.runs[0].id],
      summary: expect.stringContaining('image:default/web'),
    });

    const audit: AuditEventList = (await get('/images/runtime/audit')).body;
    expect(audit.items).toEqual([body.audit]);
    expect((await get('/images/nope/audit')).status).toBe(404);

    // The dependent waits for the runtime's build, then skips its delay.
    const upcoming: UpcomingRebuildList = (await get('/rebuilds/upcoming'))
      .body;
    expect(
      upcoming.items.map(i => [i.imageName, i.state, i.runId ?? null]),
    ).toEqual([
      ['runtime', 'queued', body.runs[0].id],
      ['web', 'waiting-upstream', null],
    ]);

    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/team-web' },
        payload: expect.objectContaining({
          title: 'Emergency rebuild of runtime',
          severity: 'high',
          description: expect.stringContaining('CVE-2026-1234: openssl'),
        }),
      },
    ]);
  });

  it('rebuilds a base image that has a source, and refuses an external image', async () => {
    const base = await post('/images/toolbox/emergency-rebuilds').send({
      justification: 'CVE-2026-4321: zlib',
    });
    expect(base.status).toBe(202);
    expect((base.body as EmergencyRebuildResponse).runs[0]).toMatchObject({
      imageName: 'toolbox',
      cause: 'emergency',
      status: 'queued',
    });

    const external = await post('/images/debian/emergency-rebuilds').send({
      justification: 'CVE-2026-4321: zlib',
    });
    expect(external.status).toBe(400);
    expect(external.body.error.message).toBe(
      'image debian: an external image without a source cannot be rebuilt; only images with a source are',
    );
    expect((await get('/images/debian/audit')).body).toEqual({ items: [] });
  });
});
