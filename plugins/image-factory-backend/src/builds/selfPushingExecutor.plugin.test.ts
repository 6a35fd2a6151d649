import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { imageFactoryExecutorsExtensionPoint } from '@image-factory/plugin-image-factory-node';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { ensureDockerd, TestDockerd } from '../__testUtils__/ensureDockerd';
import { recordingPermissions } from '../__testUtils__/recordingPermissions';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { OCI_IMAGE_INDEX, OciRegistryClient } from '../registry';
import { startRouteTestBackend } from '../service/__testUtils__/startRouteTestBackend';
import { DockerodePushingExecutor } from './__testUtils__/DockerodePushingExecutor';

jest.setTimeout(120_000);

const USERNAME = 'remote';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const jane = mockCredentials.user.header('user:default/jane');

describe('an executor that builds and pushes itself, added by a module', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let github: GitHubTestServer;
  let dir: string;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    [dockerd, registry, github] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
      startGitHubTestServer({
        repos: [
          {
            owner: 'acme',
            name: 'remote',
            files: {
              Dockerfile: 'FROM scratch\nCOPY greeting.txt /\n',
              'greeting.txt': 'built remotely\n',
            },
          },
        ],
      }),
    ]);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'self-pushing-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      [
        'apiVersion: imagefactory.dev/v1alpha1',
        'images:',
        '  - name: remote',
        '    type: managed',
        '    owner: team-web',
        `    reference: ${registry.host}/remote/hello:latest`,
        '    platforms: [linux/amd64]',
        '    source:',
        '      repo: acme/remote',
        '  - name: remote-s390x',
        '    type: managed',
        '    owner: team-web',
        `    reference: ${registry.host}/remote/hello-s390x:latest`,
        '    platforms: [linux/s390x]',
        '    source:',
        '      repo: acme/remote',
        '',
      ].join('\n'),
    );
  }, 60_000);

  afterAll(async () => {
    for (const stop of stops) await stop();
    for (const repo of ['hello', 'hello-s390x']) {
      for (const tag of ['latest-linux-amd64', 'latest-linux-s390x']) {
        await dockerd.docker
          .getImage(`${registry.host}/remote/${repo}:${tag}`)
          .remove()
          .catch(() => {});
      }
    }
    await github?.stop();
    await registry?.stop();
    await dockerd?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }, 60_000);

  async function startBackend(
    executor: DockerodePushingExecutor,
    platforms: string[],
  ) {
    const knex = await databases.init('SQLITE_3');
    const { server, stop } = await startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      features: [
        recordingPermissions([]),
        createBackendModule({
          pluginId: 'image-factory',
          moduleId: 'remote-builder',
          register(env) {
            env.registerInit({
              deps: { executors: imageFactoryExecutorsExtensionPoint },
              async init({ executors }) {
                executors.addExecutor(executor);
              },
            });
          },
        }),
      ],
      imageFactory: {
        builds: {
          worker: true,
          retries: 0,
          pollInterval: { milliseconds: 200 },
        },
        providers: {
          // Only the module's executor: nothing else could build or push.
          executors: { [executor.id]: { platforms } },
          registries: {
            test: {
              host: registry.host,
              username: USERNAME,
              password: PASSWORD,
            },
          },
          sources: { github: { host: new URL(github.webUrl).host } },
        },
      },
    });
    stops.push(stop);
    return server;
  }

  async function buildToEnd(server: Server, name: string): Promise<BuildRun> {
    let started: request.Response | undefined;
    for (let i = 0; i < 100; i++) {
      started = await request(server)
        .post(`/api/image-factory/images/${name}/builds`)
        .set('Authorization', jane)
        .send({});
      if (started.status !== 404) break;
      await new Promise(r => setTimeout(r, 50));
    }
    expect(started!.status).toBe(202);
    for (let i = 0; i < 600; i++) {
      const run = await request(server)
        .get(`/api/image-factory/builds/${started!.body.id}`)
        .set('Authorization', jane);
      if (!['queued', 'running'].includes(run.body.status)) return run.body;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('the run never finished');
  }

  async function logOf(server: Server, id: string): Promise<string[]> {
    const res = await request(server)
      .get(`/api/image-factory/builds/${id}/logs?limit=1000`)
      .set('Authorization', jane);
    return res.body.items.map((l: { text: string }) => l.text);
  }

  const amd64 = {
    platforms: ['linux/amd64'],
    emulatedPlatforms: [],
    concurrency: 1,
  };

  it('lists the digest it pushed in the image index, with the registry credentials given to it', async () => {
    const executor = new DockerodePushingExecutor(
      'remote-builder',
      dockerd.docker,
      amd64,
    );
    const server = await startBackend(executor, ['linux/amd64']);
    const run = await buildToEnd(server, 'remote');

    expect(run).toMatchObject({
      status: 'succeeded',
      platforms: [
        {
          platform: 'linux/amd64',
          status: 'succeeded',
          executor: 'remote-builder',
        },
      ],
    });
    expect(executor.requests).toHaveLength(1);
    expect(executor.requests[0]).toMatchObject({
      platform: 'linux/amd64',
      tag: `${registry.host}/remote/hello:latest-linux-amd64`,
      pushAuth: {
        username: USERNAME,
        password: PASSWORD,
        serveraddress: registry.host,
      },
    });

    const client = OciRegistryClient.create({
      credentials: async () => ({
        type: 'basic',
        username: USERNAME,
        password: PASSWORD,
      }),
    });
    const repo = { registry: registry.host, repository: 'remote/hello' };
    const index = await client.getManifest({ ...repo, tag: 'latest' });
    expect(index.mediaType).toBe(OCI_IMAGE_INDEX);
    expect(index.digest).toBe(run.indexDigest);
    expect(index.json.manifests!.map(m => m.digest)).toEqual([
      run.platforms[0].digest,
    ]);
    // The run labelled the pushed image, as it does what it pushes itself.
    const manifest = await client.getManifest({
      ...repo,
      digest: run.platforms[0].digest!,
    });
    const config = JSON.parse(
      (await client.getBlob(repo, manifest.json.config!.digest)).toString(),
    );
    expect(config.architecture).toBe('amd64');
    expect(config.config.Labels).toMatchObject({
      'org.opencontainers.image.source': expect.stringContaining('acme/remote'),
    });

    const log = await logOf(server, run.id);
    expect(log).toContainEqual(
      expect.stringMatching(
        /^remote-builder built and pushed linux\/amd64 in [\d.]+ s as sha256:[0-9a-f]{64}; checking it in the registry$/,
      ),
    );
    // The run pushed nothing itself: no "Built …; pushing" step.
    expect(log.some(l => /^Built linux\/amd64/.test(l))).toBe(false);
    expect(log.join('\n')).not.toContain(PASSWORD);
  });

  it('fails the run when the pushed manifest is not of the platform asked for', async () => {
    const executor = new DockerodePushingExecutor(
      'remote-builder',
      dockerd.docker,
      { platforms: ['linux/s390x'], emulatedPlatforms: [], concurrency: 1 },
      'linux/amd64',
    );
    const server = await startBackend(executor, ['linux/s390x']);
    const run = await buildToEnd(server, 'remote-s390x');

    expect(run).toMatchObject({
      status: 'failed',
      errorType: 'manifest-invalid',
      platforms: [{ platform: 'linux/s390x', status: 'failed' }],
    });
    expect(run.reason).toMatch(
      /^linux\/s390x: .*remote\/hello-s390x@sha256:[0-9a-f]{64} is an image for linux\/amd64, not linux\/s390x$/,
    );
  });
});
