import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { DependencyGraphResponse } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { startRouteTestBackend } from '../service/__testUtils__/startRouteTestBackend';

/*
 * Dockerfiles that spell one base in the four ways Docker reads as the same
 * image give one graph node; a base pinned by digest is its own node.
 */

jest.setTimeout(60_000);

const R = '127.0.0.1:1';
const UBUNTU = 'docker.io/library/ubuntu:latest';
const PINNED = `sha256:${'e'.repeat(64)}`;
const FROMS = [
  'ubuntu',
  'library/ubuntu',
  'docker.io/library/ubuntu:latest',
  'index.docker.io/library/ubuntu:latest',
  `ubuntu:latest@${PINNED}`,
];

describe('one graph node per image, however spelled', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let github: GitHubTestServer;
  let dir: string;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: FROMS.map((from, i) => ({
        owner: 'acme',
        name: `app-${i}`,
        files: { Dockerfile: `FROM ${from}\n` },
      })),
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'same-reference-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        ...FROMS.flatMap((_from, i) => [
          `  - name: app-${i}`,
          '    type: managed',
          '    owner: team-web',
          `    reference: ${R}/apps/app-${i}:1`,
          '    platforms: [linux/amd64]',
          '    source:',
          `      repo: acme/app-${i}`,
        ]),
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await github?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('shows the four spellings of ubuntu as one node with four dependents', async () => {
    const { server, stop } = await startRouteTestBackend({
      knex: await databases.init('SQLITE_3'),
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
    });
    try {
      let body: DependencyGraphResponse | undefined;
      // The Dockerfiles are read by a scheduled task shortly after start.
      for (let i = 0; i < 200; i++) {
        const res = await request(server)
          .get('/api/image-factory/graph')
          .set('Authorization', mockCredentials.user.header());
        body = res.body;
        if (res.status === 200 && body!.edges.length >= FROMS.length) break;
        await new Promise(r => setTimeout(r, 50));
      }
      const bases = body!.nodes.filter(n => n.type === 'discovered');
      expect(bases.map(n => n.id)).toEqual([
        UBUNTU,
        `docker.io/library/ubuntu@${PINNED}`,
      ]);
      expect(body!.edges.filter(e => e.from === UBUNTU).map(e => e.to)).toEqual(
        [0, 1, 2, 3].map(i => `${R}/apps/app-${i}:1`),
      );
    } finally {
      await stop();
    }
  });
});
