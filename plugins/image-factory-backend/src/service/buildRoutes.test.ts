import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { recordingPermissions } from '../__testUtils__/recordingPermissions';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(60_000);

const jane = mockCredentials.user('user:default/jane');
const guest = mockCredentials.user('user:default/guest');
const NO_DOCKER = 'unix:///tmp/image-factory-build-routes-no-docker.sock';

interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter(block => block.includes('event:'))
    .map(block => {
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const at = line.indexOf(': ');
        if (at > 0) fields[line.slice(0, at)] = line.slice(at + 2);
      }
      return {
        event: fields.event,
        ...(fields.id ? { id: fields.id } : {}),
        data: JSON.parse(fields.data),
      };
    });
}

describe('build routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let github: GitHubTestServer;
  let dir: string;
  const asked: Array<{ name: string; resourceRef?: string }> = [];
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'hello',
          files: { Dockerfile: 'FROM scratch\nCOPY Dockerfile /\n' },
        },
      ],
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'build-routes-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        '  - name: hello',
        '    type: managed',
        '    owner: team-web',
        '    reference: 127.0.0.1:1/apps/hello',
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
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    await github?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function startBackend(options: { worker: boolean }): Promise<Server> {
    const knex = await databases.init('SQLITE_3');
    const { server, stop } = await startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      features: [recordingPermissions(asked)],
      imageFactory: {
        builds: {
          worker: options.worker,
          retries: 0,
          pollInterval: { milliseconds: 200 },
        },
        providers: {
          executors: { 'no-docker': { host: NO_DOCKER } },
          sources: { github: { host: new URL(github.webUrl).host } },
        },
      },
    });
    stops.push(stop);
    // The images are there once images.yaml has been read.
    for (let i = 0; i < 100; i++) {
      const res = await request(server)
        .post('/api/image-factory/images/hello/builds')
        .set('Authorization', mockCredentials.user.header('user:default/guest'))
        .send({});
      if (res.status !== 404) break;
      await new Promise(r => setTimeout(r, 50));
    }
    return server;
  }

  const post = (server: Server, url: string, who = jane) =>
    request(server)
      .post(`/api/image-factory${url}`)
      .set(
        'Authorization',
        mockCredentials.user.header(
          (who.principal as { userEntityRef: string }).userEntityRef,
        ),
      );
  const get = (server: Server, url: string) =>
    request(server)
      .get(`/api/image-factory${url}`)
      .set('Authorization', mockCredentials.user.header('user:default/jane'));

  it('checks the token, the body, the image and the permission before it queues a run', async () => {
    const server = await startBackend({ worker: false });
    expect(
      (
        await request(server)
          .post('/api/image-factory/images/hello/builds')
          .send({})
      ).status,
    ).toBe(401);
    expect(
      (await request(server).get('/api/image-factory/images/hello/builds'))
        .status,
    ).toBe(401);

    const badBody = await post(server, '/images/hello/builds').send({
      force: 'yes',
    });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.message).toMatch(
      /^Invalid request body: force: /,
    );
    const unknown = await post(server, '/images/nope/builds').send({});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("No image named 'nope'");
    const external = await post(server, '/images/debian/builds').send({});
    expect(external.status).toBe(400);
    expect(external.body.error.message).toMatch(
      /^image debian: a external image without a source cannot be built/,
    );

    asked.length = 0;
    const denied = await post(server, '/images/hello/builds', guest).send({});
    expect(denied.status).toBe(403);
    // First whether the user may see the image at all, then the action.
    expect(asked).toEqual([
      { name: 'catalog.entity.read', resourceRef: 'image:default/hello' },
      { name: 'image-factory.image.build', resourceRef: 'image:default/hello' },
    ]);
    expect((await get(server, '/images/hello/builds')).body).toEqual({
      items: [],
    });

    const created = await post(server, '/images/hello/builds').send({
      reason: 'new greeting',
    });
    expect(created.status).toBe(202);
    const run: BuildRun = created.body;
    expect(run).toMatchObject({
      imageName: 'hello',
      entityRef: 'image:default/hello',
      cause: 'manual',
      causeDetail: 'new greeting',
      requestedBy: 'user:default/jane',
      status: 'queued',
      attempts: 0,
      inputs: { platforms: ['linux/amd64'] },
      platforms: [{ platform: 'linux/amd64', status: 'queued' }],
    });
    // Still queued: a second "Build now" gets the same run.
    const again = await post(server, '/images/hello/builds').send({
      force: true,
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(run.id);

    expect(
      (await get(server, '/images/hello/builds?limit=5')).body.items,
    ).toEqual([run]);
    expect((await get(server, '/images/hello/builds?limit=0')).status).toBe(
      400,
    );
    expect((await get(server, `/builds/${run.id}`)).body).toEqual(run);
    expect((await get(server, '/builds/nope')).status).toBe(404);
    expect((await get(server, `/builds/${run.id}/logs`)).body).toEqual({
      items: [],
      done: false,
    });
    expect((await get(server, `/builds/${run.id}/logs?after=-1`)).status).toBe(
      400,
    );

    // Live: the stream tells the cancellation as it happens, then ends.
    const port = (server.address() as { port: number }).port;
    const stream = await fetch(
      `http://127.0.0.1:${port}/api/image-factory/builds/${run.id}/logs/stream`,
      {
        headers: {
          authorization: mockCredentials.user.header('user:default/jane'),
        },
      },
    );
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
    };
    await readUntil(/event: run\n/);
    expect(parseSse(text)[0].data.status).toBe('queued');

    expect((await post(server, `/builds/${run.id}/cancel`, guest)).status).toBe(
      403,
    );
    const cancelled = await post(server, `/builds/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled before it started',
    });
    await readUntil(/event: end\n/);
    expect(parseSse(text).map(e => [e.event, e.data.status])).toEqual([
      ['run', 'queued'],
      ['run', 'cancelled'],
      ['end', 'cancelled'],
    ]);
    expect((await post(server, `/builds/${run.id}/cancel`)).status).toBe(409);
  });

  it('streams the log of a run as server-sent events and resumes after Last-Event-ID', async () => {
    const server = await startBackend({ worker: true });
    const created = await post(server, '/images/hello/builds').send({});
    expect(created.status).toBe(202);
    const id = created.body.id;
    let run: BuildRun = created.body;
    for (
      let i = 0;
      i < 200 && ['queued', 'running'].includes(run.status);
      i++
    ) {
      await new Promise(r => setTimeout(r, 100));
      run = (await get(server, `/builds/${id}`)).body;
    }
    // No Docker engine answers at NO_DOCKER: the run fails with that reason.
    expect(run).toMatchObject({
      status: 'failed',
      errorType: 'network',
      reason: expect.stringContaining(
        `linux/amd64: The Docker engine at ${NO_DOCKER} is unreachable`,
      ),
    });

    const page = await get(server, `/builds/${id}/logs?after=0`);
    expect(page.body.done).toBe(true);
    const lines = page.body.items;
    expect(lines.map((l: { seq: number }) => l.seq)).toEqual(
      lines.map((_: unknown, i: number) => i + 1),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stream: 'system',
          platform: 'linux/amd64',
          text: 'placing linux/amd64 on no-docker',
        }),
      ]),
    );

    const all = await get(server, `/builds/${id}/logs/stream`);
    expect(all.status).toBe(200);
    const events = parseSse(all.text);
    expect(events[0]).toMatchObject({
      event: 'run',
      data: { id, status: 'failed' },
    });
    expect(events.filter(e => e.event === 'log')).toEqual(
      lines.map((l: { seq: number }) => ({
        event: 'log',
        id: String(l.seq),
        data: l,
      })),
    );
    expect(events[events.length - 1]).toEqual({
      event: 'end',
      data: { status: 'failed' },
    });

    const resumed = parseSse(
      (await get(server, `/builds/${id}/logs/stream`).set('Last-Event-ID', '2'))
        .text,
    );
    expect(resumed.filter(e => e.event === 'log').map(e => e.data.seq)).toEqual(
      lines.slice(2).map((l: { seq: number }) => l.seq),
    );
    const fromQuery = parseSse(
      (await get(server, `/builds/${id}/logs/stream?after=${lines.length - 1}`))
        .text,
    );
    expect(fromQuery.filter(e => e.event === 'log')).toHaveLength(1);
    expect(
      (await get(server, `/builds/${id}/logs/stream`).set('Last-Event-ID', 'x'))
        .status,
    ).toBe(400);
  });
});
