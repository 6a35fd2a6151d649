import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import {
  DependencyGraphResponse,
  ImageFactoryStatus,
} from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(60_000);

const R = '127.0.0.1:1';

function entry(name: string, repo: string, dockerfile = 'Dockerfile') {
  return [
    `  - name: ${name}`,
    '    type: managed',
    '    owner: team-web',
    `    reference: ${R}/apps/${name}`,
    '    platforms: [linux/amd64]',
    '    source:',
    `      repo: ${repo}`,
    `      dockerfile: ${dockerfile}`,
  ];
}

describe('an entry whose source broke after it was enrolled', () => {
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
          name: 'web',
          files: { 'docker/Dockerfile': 'FROM debian:12\nRUN true\n' },
        },
      ],
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'source-problems-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        ...entry('web', 'acme/web', 'docker/Dockerfile'),
        // Its repository was deleted.
        ...entry('gone', 'acme/deleted'),
        // Its Dockerfile moved.
        ...entry('moved', 'acme/web', 'Dockerfile'),
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

  const get = (url: string) =>
    request(server)
      .get(`/api/image-factory${url}`)
      .set('Authorization', mockCredentials.user.header());

  async function graph(): Promise<DependencyGraphResponse> {
    // The Dockerfiles are read by a scheduled task shortly after start.
    for (let i = 0; i < 200; i++) {
      const res = await get('/graph');
      if (res.body.edges?.length >= 1 && res.body.sourceProblems?.length >= 2)
        return res.body;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error('the Dockerfiles were never read');
  }

  it('is an issue of that entry on the status, and in the graph only for that image', async () => {
    const body = await graph();
    expect(body.sourceProblems).toEqual([
      {
        entityRef: 'image:default/gone',
        imageName: 'gone',
        message:
          'Dockerfile: not found in acme/deleted on branch main (the repository, the branch or the file is gone, or the factory may not read it)',
      },
      {
        entityRef: 'image:default/moved',
        imageName: 'moved',
        message:
          'Dockerfile: not found in acme/web on branch main (the repository, the branch or the file is gone, or the factory may not read it)',
      },
    ]);
    // Not a problem of the graph as a whole, which every image's page shows.
    expect(body.problems).toEqual([]);

    const res = await get('/status');
    expect(res.status).toBe(200);
    const status: ImageFactoryStatus = res.body;
    expect(status.imagesFile.ok).toBe(false);
    expect(status.imagesFile.imageCount).toBe(3);
    expect(status.imagesFile.issues).toEqual([
      {
        entry: 'gone',
        path: 'images[1].source',
        message:
          'Dockerfile: not found in acme/deleted on branch main (the repository, the branch or the file is gone, or the factory may not read it)',
      },
      {
        entry: 'moved',
        path: 'images[2].source',
        message:
          'Dockerfile: not found in acme/web on branch main (the repository, the branch or the file is gone, or the factory may not read it)',
      },
    ]);
  });
});
