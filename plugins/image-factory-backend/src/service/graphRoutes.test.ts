import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import {
  CascadePredictionResponse,
  DependencyGraphResponse,
} from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(60_000);

const R = '127.0.0.1:1';

function entry(name: string, type: string, reference: string, repo?: string) {
  return [
    `  - name: ${name}`,
    `    type: ${type}`,
    '    owner: team-web',
    `    reference: ${reference}`,
    '    platforms: [linux/amd64]',
    ...(repo ? ['    source:', `      repo: ${repo}`] : []),
  ];
}

describe('graph routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let github: GitHubTestServer;
  let dir: string;
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'node-base',
          files: { Dockerfile: 'FROM debian:12\nRUN true\n' },
        },
        {
          owner: 'acme',
          name: 'web',
          files: {
            Dockerfile: `FROM ${R}/base/node:22 AS build\nFROM gcr.io/distroless/static\n`,
          },
        },
        {
          owner: 'acme',
          name: 'loop-a',
          files: { Dockerfile: `FROM ${R}/apps/loop-b\n` },
        },
        {
          owner: 'acme',
          name: 'loop-b',
          files: { Dockerfile: `FROM ${R}/apps/loop-a\n` },
        },
      ],
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-routes-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        ...entry('debian', 'external', 'docker.io/library/debian:12'),
        ...entry('node-base', 'base', `${R}/base/node:22`, 'acme/node-base'),
        ...entry('web', 'managed', `${R}/apps/web`, 'acme/web'),
        ...entry('loop-a', 'managed', `${R}/apps/loop-a`, 'acme/loop-a'),
        ...entry('loop-b', 'managed', `${R}/apps/loop-b`, 'acme/loop-b'),
        '',
      ].join('\n'),
    );
    const knex = await databases.init('SQLITE_3');
    ({ server, stop } = await startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
    }));
  });

  afterAll(async () => {
    await stop?.();
    await github?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    const violations = github.violations();
    if (violations.length > 0) {
      throw new Error(`GitHub API violations: ${JSON.stringify(violations)}`);
    }
  });

  const get = (url: string) =>
    request(server)
      .get(`/api/image-factory${url}`)
      .set('Authorization', mockCredentials.user.header());

  async function graph(): Promise<DependencyGraphResponse> {
    // The Dockerfiles are read by a scheduled task shortly after start.
    for (let i = 0; i < 200; i++) {
      const res = await get('/graph');
      expect(res.status).toBe(200);
      if (res.body.edges.length >= 5) return res.body;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error('the graph never got its edges');
  }

  it('answers with nodes (bases first), edges, discovered bases and cycles', async () => {
    const body = await graph();
    expect(body.edges).toEqual([
      { from: `${R}/apps/loop-a:latest`, to: `${R}/apps/loop-b:latest` },
      { from: `${R}/apps/loop-b:latest`, to: `${R}/apps/loop-a:latest` },
      { from: `${R}/base/node:22`, to: `${R}/apps/web:latest` },
      { from: 'docker.io/library/debian:12', to: `${R}/base/node:22` },
      { from: 'gcr.io/distroless/static:latest', to: `${R}/apps/web:latest` },
    ]);
    // Every Dockerfile is read: no image's bases are unknown any more.
    expect(body.nodes.filter(n => n.basesUnknown)).toEqual([]);
    const ids = body.nodes.map(n => n.id);
    expect(ids.indexOf('docker.io/library/debian:12')).toBeLessThan(
      ids.indexOf(`${R}/base/node:22`),
    );
    expect(ids.indexOf(`${R}/base/node:22`)).toBeLessThan(
      ids.indexOf(`${R}/apps/web:latest`),
    );
    expect(body.nodes).toContainEqual({
      id: 'gcr.io/distroless/static:latest',
      entityRef: 'image:default/gcr-io-distroless-static-latest',
      type: 'discovered',
      reference: 'gcr.io/distroless/static:latest',
      platforms: ['linux/amd64'],
    });
    expect(body.nodes).toContainEqual(
      expect.objectContaining({
        id: `${R}/base/node:22`,
        entityRef: 'image:default/node-base',
        type: 'base',
      }),
    );
    expect(body.cycles).toEqual([
      [`${R}/apps/loop-a:latest`, `${R}/apps/loop-b:latest`],
    ]);
    expect(body.problems).toEqual([]);
  });

  it('answers a reader that has the current graph with a 304, and a stale or foreign ETag in full', async () => {
    await graph();
    const first = await get('/graph');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/"graph-/);
    const again = await get('/graph').set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    // Another backend's, or an older graph's, ETag: the whole graph.
    const other = await get('/graph').set(
      'If-None-Match',
      'W/"graph-00000000-1-da39a3ee5e6b"',
    );
    expect(other.status).toBe(200);
    expect(other.body.nodes).toEqual(first.body.nodes);
    expect(other.headers.etag).toBe(etag);
  });

  it('predicts the cascade of a change through a 3-level chain', async () => {
    await graph();
    const res = await get(
      `/graph/cascade?node=${encodeURIComponent(
        'docker.io/library/debian:12',
      )}`,
    );
    expect(res.status).toBe(200);
    const body: CascadePredictionResponse = res.body;
    expect(body).toEqual({
      node: 'docker.io/library/debian:12',
      rebuilds: [
        {
          entityRef: 'image:default/node-base',
          depth: 1,
          via: ['docker.io/library/debian:12'],
        },
        {
          entityRef: 'image:default/web',
          depth: 2,
          via: [`${R}/base/node:22`],
        },
      ],
      cut: [],
    });
  });

  it('refuses an unknown node naming the parameter, a cycle with its members, and no token', async () => {
    await graph();
    const unknown = await get('/graph/cascade?node=nope:1');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      "node: no graph node has the id 'nope:1'",
    );
    const missing = await get('/graph/cascade');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^node: is required/);

    const loop = await get(
      `/graph/cascade?node=${encodeURIComponent(`${R}/apps/loop-a:latest`)}`,
    );
    expect(loop.status).toBe(409);
    expect(loop.body.error.message).toContain(
      '[image:default/loop-a, image:default/loop-b]',
    );

    const anonymous = await request(server).get('/api/image-factory/graph');
    expect(anonymous.status).toBe(401);
  });
});
