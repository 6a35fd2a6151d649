import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import {
  BuildRun,
  DependencyGraphResponse,
} from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import {
  PolicyQuestion,
  policyPermissions,
} from '../__testUtils__/policyPermissions';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(60_000);

const HELLO = 'image:default/hello';
const JANE = 'user:default/jane';
/** Each test user is denied one thing by the policy below. */
const DENIED: Record<string, { permission: string; resourceRef?: string }> = {
  'user:default/no-build': { permission: 'image-factory.image.build' },
  'user:default/no-emergency': {
    permission: 'image-factory.rebuild.emergency',
  },
  'user:default/no-enroll': { permission: 'image-factory.image.enroll' },
  'user:default/no-change': { permission: 'image-factory.image.change' },
  'user:default/no-unenroll': { permission: 'image-factory.image.unenroll' },
  'user:default/no-status': { permission: 'image-factory.status.read' },
  // Cannot see hello in the catalog, and may do anything else.
  'user:default/outsider': {
    permission: 'catalog.entity.read',
    resourceRef: HELLO,
  },
};

function testPolicy(q: PolicyQuestion): boolean {
  const denied = DENIED[q.user];
  return !(
    denied &&
    denied.permission === q.permission &&
    (denied.resourceRef === undefined || denied.resourceRef === q.resourceRef)
  );
}

const HELLO_ENTRY = {
  name: 'hello2',
  type: 'managed',
  owner: 'team-web',
  reference: '127.0.0.1:1/apps/hello2',
  platforms: ['linux/amd64'],
  source: { repo: 'acme/hello' },
};

describe('permissions for every caller', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const asked: PolicyQuestion[] = [];
  let github: GitHubTestServer;
  let dir: string;
  let server: Server;
  let stop: () => Promise<void>;
  let run: BuildRun;

  const as = (user: string) => mockCredentials.user.header(user);
  const post = (url: string, who: string) =>
    request(server).post(`/api/image-factory${url}`).set('Authorization', who);
  const get = (url: string, who: string) =>
    request(server).get(`/api/image-factory${url}`).set('Authorization', who);

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'hello',
          files: { Dockerfile: 'FROM debian:12\n' },
        },
      ],
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'caller-permissions-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        '  - name: hello',
        '    type: managed',
        '    owner: team-web',
        '    reference: 127.0.0.1:1/apps/hello:1',
        '    platforms: [linux/amd64]',
        '    source:',
        '      repo: acme/hello',
        '  - name: debian',
        '    type: external',
        '    owner: platform-team',
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
      features: [policyPermissions(testPolicy, asked)],
      imageFactory: { rebuilds: { enabled: false } },
    }));
    // Once images.yaml and the Dockerfile are read, hello is built FROM debian.
    for (let i = 0; i < 200; i++) {
      const graph = await get('/graph', as(JANE));
      if (graph.body.edges?.length >= 1) break;
      await new Promise(r => setTimeout(r, 50));
    }
    const started = await post('/images/hello/builds', as(JANE)).send({});
    if (started.status !== 202) {
      throw new Error(`Build now answered ${started.status}`);
    }
    run = started.body;
  });

  afterAll(async () => {
    await stop?.();
    await github?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const runs = async () =>
    (await get('/images/hello/builds', as(JANE))).body.items as BuildRun[];

  it('refuses each action to a user the policy denies it, naming the permission and the entity, and changes nothing', async () => {
    const denied = await post(
      '/images/hello/builds',
      as('user:default/no-build'),
    ).send({ force: true });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      `Not allowed to build ${HELLO} (permission image-factory.image.build on ${HELLO})`,
    );
    const cancel = await post(
      `/builds/${run.id}/cancel`,
      as('user:default/no-build'),
    );
    expect(cancel.status).toBe(403);
    expect(cancel.body.error.message).toContain('image-factory.image.build');
    expect((await runs()).map(r => [r.id, r.status])).toEqual([
      [run.id, 'queued'],
    ]);

    const emergency = await post(
      '/images/hello/emergency-rebuilds',
      as('user:default/no-emergency'),
    ).send({ justification: 'CVE-2026-0001 in debian' });
    expect(emergency.status).toBe(403);
    expect(emergency.body.error.message).toContain(
      `permission image-factory.rebuild.emergency on ${HELLO}`,
    );
    expect((await get('/images/hello/audit', as(JANE))).body.items).toEqual([]);

    const enroll = await post(
      '/enrollments',
      as('user:default/no-enroll'),
    ).send({ image: HELLO_ENTRY });
    expect(enroll.status).toBe(403);
    expect(enroll.body.error.message).toBe(
      'Not allowed to enroll images for group:default/team-web (permission image-factory.image.enroll on group:default/team-web)',
    );
    const change = await post(
      '/images/hello/changes',
      as('user:default/no-change'),
    ).send({ changes: { type: 'base' } });
    expect(change.status).toBe(403);
    expect(change.body.error.message).toContain(
      `permission image-factory.image.change on ${HELLO}`,
    );
    const move = await post(
      '/images/hello/changes',
      as('user:default/no-enroll'),
    ).send({ changes: { owner: 'team-data' } });
    expect(move.status).toBe(403);
    expect(move.body.error.message).toContain(
      'permission image-factory.image.enroll on group:default/team-data',
    );
    const unenroll = await post(
      '/images/hello/unenroll',
      as('user:default/no-unenroll'),
    ).send({});
    expect(unenroll.status).toBe(403);
    expect(unenroll.body.error.message).toContain(
      `permission image-factory.image.unenroll on ${HELLO}`,
    );
  });

  it('asks for enroll, change and un-enroll on the owner and the Image entity, then goes on', async () => {
    asked.length = 0;
    // Enrollment is not configured here: past the permission, a 503 says so.
    const enroll = await post('/enrollments', as(JANE)).send({
      image: HELLO_ENTRY,
    });
    expect(enroll.status).toBe(503);
    const change = await post('/images/hello/changes', as(JANE)).send({
      changes: { owner: 'user:default/jane' },
    });
    expect(change.status).toBe(503);
    const unenroll = await post('/images/hello/unenroll', as(JANE)).send({});
    expect(unenroll.status).toBe(503);
    expect(asked).toEqual([
      {
        user: JANE,
        permission: 'image-factory.image.enroll',
        resourceRef: 'group:default/team-web',
      },
      {
        user: JANE,
        permission: 'image-factory.image.change',
        resourceRef: HELLO,
      },
      {
        user: JANE,
        permission: 'image-factory.image.enroll',
        resourceRef: 'user:default/jane',
      },
      {
        user: JANE,
        permission: 'image-factory.image.unenroll',
        resourceRef: HELLO,
      },
    ]);
  });

  it('refuses state changes to a service token, which Backstage would allow without asking the policy', async () => {
    const service = mockCredentials.service.header();
    const build = await post('/images/hello/builds', service).send({
      force: true,
    });
    expect(build.status).toBe(403);
    expect(build.body.error.message).toMatch(
      /^Services may not build image:default\/hello: .*image-factory\.image\.build in its accessRestrictions$/,
    );
    expect((await post(`/builds/${run.id}/cancel`, service)).status).toBe(403);
    expect(
      (
        await post('/images/hello/emergency-rebuilds', service).send({
          justification: 'CVE-2026-0001 in debian',
        })
      ).status,
    ).toBe(403);
    for (const [url, body] of [
      ['/enrollments', { image: HELLO_ENTRY }],
      ['/images/hello/changes', { changes: { type: 'base' } }],
      ['/images/hello/unenroll', {}],
    ] as const) {
      expect((await post(url, service).send(body)).status).toBe(403);
    }
    expect((await runs()).map(r => [r.id, r.status])).toEqual([
      [run.id, 'queued'],
    ]);
    expect((await get('/images/hello/audit', as(JANE))).body.items).toEqual([]);
    // Reads stay open to services (the catalog module reads the factory).
    expect((await get('/images/hello/builds', service)).status).toBe(200);
  });

  it("hides an image's builds, logs, log stream, audit and graph node from a user who cannot read it in the catalog", async () => {
    const outsider = as('user:default/outsider');
    const noImage = "No image named 'hello'";
    const noRun = `No build run with id '${run.id}'`;
    for (const [url, message] of [
      ['/images/hello/builds', noImage],
      ['/images/hello/audit', noImage],
      [`/builds/${run.id}`, noRun],
      [`/builds/${run.id}/logs`, noRun],
      [`/builds/${run.id}/logs/stream`, noRun],
    ]) {
      const res = await get(url, outsider);
      expect([url, res.status, res.body.error?.message]).toEqual([
        url,
        404,
        message,
      ]);
    }
    // The same answers as for an image that does not exist.
    expect(
      (await post('/images/hello/builds', outsider).send({})).body.error
        .message,
    ).toBe(noImage);
    expect((await post(`/builds/${run.id}/cancel`, outsider)).status).toBe(404);
    expect(
      (
        await post('/images/hello/emergency-rebuilds', outsider).send({
          justification: 'CVE-2026-0001 in debian',
        })
      ).status,
    ).toBe(404);

    const mine: DependencyGraphResponse = (await get('/graph', as(JANE))).body;
    const hello = mine.nodes.find(n => n.entityRef === HELLO)!;
    expect(hello).toBeDefined();
    expect(mine.edges.some(e => e.to === hello.id)).toBe(true);
    const theirs: DependencyGraphResponse = (await get('/graph', outsider))
      .body;
    expect(theirs.nodes.map(n => n.entityRef)).not.toContain(HELLO);
    expect(theirs.nodes.length).toBe(mine.nodes.length - 1);
    expect(theirs.edges.some(e => e.to === hello.id)).toBe(false);
    const cascade = await get(
      `/graph/cascade?node=${encodeURIComponent(hello.id)}`,
      outsider,
    );
    expect(cascade.status).toBe(400);
    const debian = mine.nodes.find(
      n => n.entityRef === 'image:default/debian',
    )!;
    const fromDebian = `/graph/cascade?node=${encodeURIComponent(debian.id)}`;
    const rebuilds = (r: request.Response) =>
      r.body.rebuilds.map((s: { entityRef: string }) => s.entityRef);
    expect(rebuilds(await get(fromDebian, as(JANE)))).toContain(HELLO);
    expect(rebuilds(await get(fromDebian, outsider))).not.toContain(HELLO);

    // Others still see it.
    expect((await get(`/builds/${run.id}/logs`, as(JANE))).status).toBe(200);
  });

  it('needs image-factory.status.read for /providers/health, like /status', async () => {
    const denied = await get('/providers/health', as('user:default/no-status'));
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      "Not allowed to read the providers' health",
    );
    expect((await get('/status', as('user:default/no-status'))).status).toBe(
      403,
    );
    expect((await get('/providers/health', as(JANE))).status).toBe(200);
  });

  it('reads the log stream with the same token as every other read, not a cookie', async () => {
    const cookie = await request(server)
      .get(`/api/image-factory/builds/${run.id}/logs/stream`)
      .set('Cookie', mockCredentials.limitedUser.cookie(JANE));
    expect(cookie.status).toBe(401);
  });
});
