import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { CascadePredictionResponse } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { startRouteTestBackend } from '../service/__testUtils__/startRouteTestBackend';

/*
 * The plugin as installed with `imageFactory.rebuilds.maxDepth`: the cascade
 * the graph page predicts stops where the planner stops.
 */

jest.setTimeout(60_000);

const R = '127.0.0.1:1';

const entry = (name: string, type: string, reference: string) => [
  `  - name: ${name}`,
  `    type: ${type}`,
  '    owner: team-web',
  `    reference: ${reference}`,
  '    platforms: [linux/amd64]',
  '    source:',
  `      repo: acme/${name}`,
];

describe('cascade depth in the plugin', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let github: GitHubTestServer;
  let dir: string;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'os',
          files: { Dockerfile: 'FROM debian:12\n' },
        },
        {
          owner: 'acme',
          name: 'runtime',
          files: { Dockerfile: `FROM ${R}/base/os:1\n` },
        },
        {
          owner: 'acme',
          name: 'app',
          files: { Dockerfile: `FROM ${R}/base/runtime:1\n` },
        },
      ],
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cascade-depth-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        ...entry('os', 'base', `${R}/base/os:1`),
        ...entry('runtime', 'base', `${R}/base/runtime:1`),
        ...entry('app', 'managed', `${R}/apps/app:1`),
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await github?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('predicts a cascade no deeper than imageFactory.rebuilds.maxDepth', async () => {
    const { server, stop } = await startRouteTestBackend({
      knex: await databases.init('SQLITE_3'),
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      imageFactory: { rebuilds: { automaticBuilds: false, maxDepth: 1 } },
    });
    try {
      const get = (url: string) =>
        request(server)
          .get(`/api/image-factory${url}`)
          .set('Authorization', mockCredentials.user.header());
      // The Dockerfiles are read by a scheduled task shortly after start.
      for (let i = 0; i < 200; i++) {
        const res = await get('/graph');
        if (res.status === 200 && res.body.edges.length >= 3) break;
        await new Promise(r => setTimeout(r, 50));
      }
      const res = await get(
        `/graph/cascade?node=${encodeURIComponent(
          'docker.io/library/debian:12',
        )}`,
      );
      expect(res.status).toBe(200);
      const body: CascadePredictionResponse = res.body;
      expect(body.rebuilds.map(s => [s.entityRef, s.depth])).toEqual([
        ['image:default/os', 1],
      ]);
      expect(body.cut.map(s => [s.entityRef, s.depth])).toEqual([
        ['image:default/runtime', 2],
        ['image:default/app', 3],
      ]);
    } finally {
      await stop();
    }
  });
});
