import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import {
  BuildRun,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import {
  ImageFactoryCredentialProvider,
  readProvidersConfig,
} from '@image-factory/plugin-image-factory-node';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { Knex } from 'knex';
import net from 'net';
import {
  ensureBinfmt,
  ensureDockerd,
  TestDockerd,
} from '../__testUtils__/ensureDockerd';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { DatabaseBuildStore, migrateDatabase, StageStore } from '../database';
import { staticElf } from '../executor/__testUtils__/staticElf';
import { startTestSshd } from '../__testUtils__/startTestSshd';
import { OCI_IMAGE_INDEX, OciRegistryClient } from '../registry';
import { imageEntity } from './__testUtils__/imageEntity';
import { BuildEngine, createBuildEngine } from './createBuildEngine';
import { readBuildsConfig } from './readBuildsConfig';

jest.setTimeout(120_000);

const USERNAME = 'builder';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(12).toString('hex')}`;

describe('build engine (real dockerd, registry and GitHub test server)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Knex;
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let github: GitHubTestServer;
  let images: ImageEntityV1alpha1[];
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const engines: BuildEngine[] = [];

  const hello = () => images.find(i => i.metadata.name === 'hello')!;
  const helloAmd64 = () => images.find(i => i.metadata.name === 'hello-amd64')!;

  function engine(
    options: {
      password?: string;
      dockerHost?: string;
      credentialProviders?: ImageFactoryCredentialProvider[];
      retries?: number;
      retryBackoffMs?: number;
      /** Told of each source tree the engine downloaded. */
      onDownload?: (url: string) => void;
      /** Replaces the one local executor. */
      executors?: Record<string, object>;
    } = {},
  ): BuildEngine {
    const config = new ConfigReader({
      integrations: {
        github: [
          {
            host: new URL(github.webUrl).host,
            apiBaseUrl: github.baseUrl,
            token: github.token,
          },
        ],
      },
      imageFactory: {
        builds: {
          retries: options.retries ?? 3,
          retryBackoff: { milliseconds: options.retryBackoffMs ?? 1_000 },
          leaseDuration: { seconds: 30 },
        },
        providers: {
          executors: options.executors ?? {
            'local-docker': {
              host: options.dockerHost ?? `unix://${dockerd.socketPath}`,
              platforms: ['linux/amd64', 'linux/s390x'],
              emulatedPlatforms: ['linux/s390x'],
            },
          },
          registries: {
            test: {
              host: registry.host,
              username: USERNAME,
              password: options.password ?? PASSWORD,
            },
          },
          sources: { github: { host: new URL(github.webUrl).host } },
        },
      },
    });
    const logger = mockServices.logger.mock();
    const urlReader = UrlReaders.default({ config, logger });
    const built = createBuildEngine({
      config: readBuildsConfig(config),
      providers: readProvidersConfig(config),
      moduleExecutors: [],
      credentialProviders: options.credentialProviders ?? [],
      client: knex,
      urlReader: {
        ...urlReader,
        readUrl: urlReader.readUrl.bind(urlReader),
        search: urlReader.search.bind(urlReader),
        readTree: async (url, readOptions) => {
          const tree = await urlReader.readTree(url, readOptions);
          options.onDownload?.(url);
          return tree;
        },
      },
      images: () => images,
      logger,
      clock,
    });
    engines.push(built);
    return built;
  }

  async function runToEnd(
    on: BuildEngine,
    image: ImageEntityV1alpha1,
    force = false,
  ): Promise<BuildRun> {
    const { run } = await on.service.start({
      image,
      cause: 'manual',
      requestedBy: 'user:default/jane',
      force,
    });
    await on.worker.tick();
    await on.worker.idle();
    return (await on.service.get(run.id))!;
  }

  async function logOf(on: BuildEngine, runId: string): Promise<string[]> {
    const page = await on.service.logs(runId, 0, 5_000);
    return page.items.map(l => l.text);
  }

  const registryClient = () =>
    OciRegistryClient.create({
      credentials: async () => ({
        type: 'basic',
        username: USERNAME,
        password: PASSWORD,
      }),
    });

  beforeAll(async () => {
    [dockerd, registry, github] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
      startGitHubTestServer({
        repos: [
          {
            owner: 'acme',
            name: 'hello',
            files: {
              'README.md': '# hello\n',
              'app/Dockerfile': 'FROM scratch\nCOPY greeting.txt /\n',
              'app/greeting.txt': 'hello from the factory\n',
            },
          },
          {
            owner: 'acme',
            name: 'sleepy',
            files: {
              Dockerfile: 'FROM scratch\nCOPY sleep nonce /\nRUN ["/sleep"]\n',
              sleep: staticElf('amd64', 'woke up\n', 0, { sleepSeconds: 60 }),
              // BuildKit keeps its cache between test runs: a step that sleeps
              // must not come back from an earlier run's cache.
              nonce: randomBytes(8).toString('hex'),
            },
            executables: ['sleep'],
          },
        ],
      }),
    ]);
    if (!(await ensureBinfmt('s390x'))) {
      throw new Error(
        'No QEMU binfmt handler for s390x (qemu-user-static, scripts/lib/services.sh ensure_binfmt)',
      );
    }
    knex = await databases.init('SQLITE_3');
    await migrateDatabase({ getClient: async () => knex });
    const source = {
      repo: 'acme/hello',
      dockerfile: 'app/Dockerfile',
      context: 'app',
    };
    images = [
      imageEntity({
        name: 'hello',
        registry: registry.host,
        repository: 'engine-test/hello',
        platforms: ['linux/amd64', 'linux/s390x'],
        source,
        buildArgs: { GREETING: 'hi' },
      }),
      imageEntity({
        name: 'hello-amd64',
        registry: registry.host,
        repository: 'engine-test/hello-amd64',
        tag: 'v1',
        platforms: ['linux/amd64'],
        source,
      }),
      imageEntity({
        name: 'sleepy',
        registry: registry.host,
        repository: 'engine-test/sleepy',
        platforms: ['linux/amd64'],
        source: { repo: 'acme/sleepy', dockerfile: 'Dockerfile', context: '.' },
      }),
    ];
  }, 60_000);

  afterAll(async () => {
    for (const e of engines) await e.worker.stop();
    // The engine keeps what it built; these tags name a registry gone with the test.
    for (const image of images ?? []) {
      for (const platform of image.spec.platforms) {
        const tag = `${image.spec.registry}/${image.spec.repository}:${
          image.spec.tag
        }-${platform.replace('/', '-')}`;
        await dockerd.docker
          .getImage(tag)
          .remove()
          .catch(() => {});
      }
    }
    await github?.stop();
    await registry?.stop();
    await dockerd?.stop();
  }, 60_000);

  afterEach(() => {
    // Every request the UrlReader made must match GitHub's OpenAPI description.
    const violations = github.violations();
    if (violations.length > 0) {
      throw new Error(`GitHub API violations: ${JSON.stringify(violations)}`);
    }
  });

  it('builds linux/amd64 and linux/s390x, pushes both and an OCI image index', async () => {
    const builds = engine();
    const run = await runToEnd(builds, hello());
    const revision = execFileSync('git', ['rev-parse', 'main'], {
      cwd: github.repoPath('acme', 'hello'),
    })
      .toString()
      .trim();

    expect(run).toMatchObject({
      imageName: 'hello',
      entityRef: 'image:default/hello',
      status: 'succeeded',
      attempts: 1,
      reference: `${registry.host}/engine-test/hello:latest`,
      inputs: {
        sourceRevision: revision,
        dockerfileDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        buildArgs: { GREETING: 'hi' },
        platforms: ['linux/amd64', 'linux/s390x'],
      },
      platforms: [
        {
          platform: 'linux/amd64',
          status: 'succeeded',
          executor: 'local-docker',
          emulated: false,
        },
        {
          platform: 'linux/s390x',
          status: 'succeeded',
          executor: 'local-docker',
          emulated: true,
        },
      ],
    });
    expect(run.versionTag).toMatch(/^latest-\d{8}T\d{6}\.\d{3}Z$/);
    for (const p of run.platforms) {
      expect(p.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(p.buildDurationMs).toBeGreaterThan(0);
      expect(p.pushDurationMs).toBeGreaterThan(0);
    }

    const client = registryClient();
    const repo = { registry: registry.host, repository: 'engine-test/hello' };
    const index = await client.getManifest({ ...repo, tag: 'latest' });
    expect(index.mediaType).toBe(OCI_IMAGE_INDEX);
    expect(index.digest).toBe(run.indexDigest);
    // The versioned tag names the same index, to pin or roll back to.
    expect(
      (await client.headManifest({ ...repo, tag: run.versionTag! })).digest,
    ).toBe(run.indexDigest);
    expect(index.json.annotations).toMatchObject({
      'org.opencontainers.image.revision': revision,
      // The repository's web address, plain http as the test server's.
      'org.opencontainers.image.source': `http://${
        new URL(github.webUrl).host
      }/acme/hello`,
    });
    expect(index.json.manifests!.map(m => [m.platform, m.digest])).toEqual(
      run.platforms.map(p => [
        {
          os: 'linux',
          architecture: p.platform.split('/')[1],
        },
        p.digest,
      ]),
    );
    for (const descriptor of index.json.manifests!) {
      const manifest = await client.getManifest({
        ...repo,
        digest: descriptor.digest,
      });
      expect(descriptor.size).toBe(manifest.bytes.length);
      const config = JSON.parse(
        (await client.getBlob(repo, manifest.json.config!.digest)).toString(),
      );
      expect(config.architecture).toBe(descriptor.platform!.architecture);
      expect(config.config.Labels).toMatchObject({
        'org.opencontainers.image.revision': revision,
      });
    }

    const log = await logOf(builds, run.id);
    expect(log).toEqual(
      expect.arrayContaining([
        'placing linux/amd64 on local-docker',
        'placing linux/s390x on local-docker (emulated)',
        expect.stringMatching(/^#\d+ \[1\/\d+\] COPY /),
        `Run succeeded: image index ${run.indexDigest}`,
      ]),
    );
    expect(log.join('\n')).not.toContain(PASSWORD);
  });

  it('skips a run whose inputs did not change since the last successful one, without downloading the source', async () => {
    const downloads: string[] = [];
    const builds = engine({ onDownload: url => downloads.push(url) });
    const [last] = await builds.service.list('hello', 1);
    const run = await runToEnd(builds, hello());
    expect(run).toMatchObject({
      status: 'skipped',
      reason: `up to date: inputs unchanged since run ${last.id}`,
      indexDigest: last.indexDigest,
      inputs: last.inputs,
    });
    // The branch's head and the Dockerfile were enough to know.
    expect(downloads).toEqual([]);
  });

  it('rebuilds only the platforms asked for and puts the others of the last run in the index', async () => {
    const builds = engine();
    const last = (await builds.service.list('hello', 10)).find(
      r => r.status === 'succeeded',
    )!;
    const lastDigest = (platform: string) =>
      last.platforms.find(p => p.platform === platform)!.digest;
    const { run: started } = await builds.service.start({
      image: hello(),
      cause: 'base-change',
      // As the planner asks when only the s390x image of a base changed.
      platforms: ['linux/s390x'],
      force: true,
    });
    await builds.worker.tick();
    await builds.worker.idle();
    const run = (await builds.service.get(started.id))!;
    expect(run).toMatchObject({
      status: 'succeeded',
      inputs: { platforms: ['linux/s390x'] },
      platforms: [
        { platform: 'linux/s390x', status: 'succeeded', emulated: true },
        {
          platform: 'linux/amd64',
          status: 'skipped',
          digest: lastDigest('linux/amd64'),
          reusedFrom: last.id,
        },
      ],
    });
    const s390x = run.platforms[0].digest;
    expect(s390x).not.toBe(lastDigest('linux/s390x'));

    const repo = { registry: registry.host, repository: 'engine-test/hello' };
    const index = await registryClient().getManifest({
      ...repo,
      tag: 'latest',
    });
    expect(index.digest).toBe(run.indexDigest);
    expect(
      index.json.manifests!.map(m => [m.platform!.architecture, m.digest]),
    ).toEqual([
      ['amd64', lastDigest('linux/amd64')],
      ['s390x', s390x],
    ]);
    expect(await logOf(builds, run.id)).toContain(
      `linux/amd64: its bases did not change; reusing ${lastDigest(
        'linux/amd64',
      )} from run ${last.id}`,
    );
  });

  it('offers the last image of a platform as cache, read from the registry when the engine no longer holds it', async () => {
    const builds = engine();
    const first = await runToEnd(builds, helloAmd64(), true);
    expect(first.status).toBe('succeeded');
    const tag = `${registry.host}/engine-test/hello-amd64:v1-linux-amd64`;
    await dockerd.docker.getImage(tag).remove();

    const run = await runToEnd(builds, helloAmd64(), true);
    expect(run.status).toBe('succeeded');
    const log = await logOf(builds, run.id);
    // BuildKit reads the cache metadata of the last image from the registry.
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^#\\d+ importing cache manifest from ${tag}$`),
        ),
      ]),
    );
    expect(log.filter(l => /ERROR/.test(l))).toEqual([]);
  });

  it('shares a run between executors, one of them a Docker host reached over TCP', async () => {
    // A loopback TCP port in front of the engine's socket, as a remote DOCKER_HOST.
    const forwarder = net.createServer(client => {
      const engineSocket = net.connect(dockerd.socketPath);
      client.pipe(engineSocket).pipe(client);
      const close = () => {
        client.destroy();
        engineSocket.destroy();
      };
      client.on('error', close);
      engineSocket.on('error', close);
    });
    await new Promise<void>(resolve =>
      forwarder.listen(0, '127.0.0.1', resolve),
    );
    const { port } = forwarder.address() as net.AddressInfo;
    try {
      const builds = engine({
        executors: {
          'local-docker': {
            host: `unix://${dockerd.socketPath}`,
            platforms: ['linux/amd64'],
          },
          'remote-docker': {
            host: `tcp://127.0.0.1:${port}`,
            platforms: ['linux/s390x'],
            emulatedPlatforms: ['linux/s390x'],
          },
        },
      });
      const run = await runToEnd(builds, hello(), true);
      expect(run).toMatchObject({
        status: 'succeeded',
        platforms: [
          { platform: 'linux/amd64', executor: 'local-docker' },
          { platform: 'linux/s390x', executor: 'remote-docker' },
        ],
      });
      expect(await logOf(builds, run.id)).toContain(
        'placing linux/s390x on remote-docker (emulated)',
      );
    } finally {
      await new Promise(resolve => forwarder.close(resolve));
    }
  });

  it('builds on a Docker host reached over ssh, logging in with a key file', async () => {
    // The remote user runs `docker system dial-stdio` against the test's engine.
    const sshd = await startTestSshd({
      DOCKER_HOST: `unix://${dockerd.socketPath}`,
    });
    try {
      const builds = engine({
        executors: {
          'ssh-docker': {
            host: `ssh://${sshd.username}@127.0.0.1:${sshd.port}`,
            sshIdentityFile: sshd.identityFile,
            platforms: ['linux/amd64'],
          },
        },
      });
      const run = await runToEnd(builds, helloAmd64(), true);
      expect(run).toMatchObject({
        status: 'succeeded',
        platforms: [
          {
            platform: 'linux/amd64',
            status: 'succeeded',
            executor: 'ssh-docker',
          },
        ],
      });
    } finally {
      await sshd.stop();
    }
  });

  it('downloads a repository once for the images built from it at the same time', async () => {
    const downloads: string[] = [];
    const builds = engine({ onDownload: url => downloads.push(url) });
    const runs = await Promise.all(
      [hello(), helloAmd64()].map(image =>
        builds.service.start({ image, cause: 'manual', force: true }),
      ),
    );
    await builds.worker.tick();
    await builds.worker.idle();
    for (const { run } of runs) {
      expect((await builds.service.get(run.id))?.status).toBe('succeeded');
    }
    expect(downloads).toEqual([
      `http://${new URL(github.webUrl).host}/acme/hello/tree/main`,
    ]);
  });

  it('keeps the newest builds under their versioned tags and deletes older ones from the registry', async () => {
    const builds = engine();
    const kept = imageEntity({
      name: 'kept',
      registry: registry.host,
      repository: 'engine-test/kept',
      platforms: ['linux/amd64'],
      source: {
        repo: 'acme/hello',
        dockerfile: 'app/Dockerfile',
        context: 'app',
      },
    });
    kept.spec.retention = { keep: 2 };
    images.push(kept);
    const runs: BuildRun[] = [];
    for (let i = 0; i < 3; i++) {
      offsetMs += 61_000;
      runs.push(await runToEnd(builds, kept, true));
    }
    expect(runs.map(r => r.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(new Set(runs.map(r => r.versionTag)).size).toBe(3);

    const client = registryClient();
    const repo = { registry: registry.host, repository: 'engine-test/kept' };
    const [oldest, middle, newest] = runs;
    await expect(
      client.headManifest({ ...repo, tag: oldest.versionTag! }),
    ).rejects.toThrow(/not found/i);
    await expect(
      client.headManifest({ ...repo, digest: oldest.platforms[0].digest! }),
    ).rejects.toThrow(/not found/i);
    for (const run of [middle, newest]) {
      expect(
        (await client.headManifest({ ...repo, tag: run.versionTag! })).digest,
      ).toBe(run.indexDigest);
    }
    expect((await client.headManifest({ ...repo, tag: 'latest' })).digest).toBe(
      newest.indexDigest,
    );
    expect((await builds.service.get(oldest.id))?.prunedAt).toBeDefined();
    expect((await builds.service.get(middle.id))?.prunedAt).toBeUndefined();
    expect(await logOf(builds, newest.id)).toContain(
      'Retention (keep 2): removed 1 older build(s), 2 manifest(s)',
    );
  });

  it('keeps the builds a lifecycle stage holds, or held just before, whatever their age', async () => {
    const builds = engine();
    const staged = imageEntity({
      name: 'staged',
      registry: registry.host,
      repository: 'engine-test/staged',
      platforms: ['linux/amd64'],
      source: {
        repo: 'acme/hello',
        dockerfile: 'app/Dockerfile',
        context: 'app',
      },
    });
    staged.spec.retention = { keep: 1 };
    staged.spec.stages = ['prod'];
    images.push(staged);
    offsetMs += 61_000;
    const first = await runToEnd(builds, staged, true);
    // prod holds the first build.
    const stages = StageStore.create({ client: knex });
    await stages.begin({
      id: 'a0a0a0a0-0000-4000-8000-000000000001',
      imageName: 'staged',
      stage: 'prod',
      action: 'promote',
      toDigest: first.indexDigest!,
      status: 'pending',
      trigger: 'user',
      createdAt: clock(),
    });
    await stages.complete('a0a0a0a0-0000-4000-8000-000000000001', clock());
    offsetMs += 61_000;
    const second = await runToEnd(builds, staged, true);
    offsetMs += 61_000;
    const third = await runToEnd(builds, staged, true);

    const client = registryClient();
    const repo = { registry: registry.host, repository: 'engine-test/staged' };
    expect(
      (await client.headManifest({ ...repo, digest: first.indexDigest! }))
        .digest,
    ).toBe(first.indexDigest);
    await expect(
      client.headManifest({ ...repo, digest: second.indexDigest! }),
    ).rejects.toThrow(/not found/i);
    expect((await builds.service.get(first.id))?.prunedAt).toBeUndefined();
    expect((await builds.service.get(second.id))?.prunedAt).toBeDefined();
    expect(third.status).toBe('succeeded');
  });

  it('queues a run again when the backend holding it stopped, and completes it once', async () => {
    const builds = engine();
    const store = DatabaseBuildStore.create({ client: knex });
    const { run } = await builds.service.start({
      image: hello(),
      cause: 'base-change',
    });
    // Another backend takes the run and stops without a word.
    const taken = await store.claim({
      owner: 'stopped-backend',
      leaseMs: 30_000,
      now: clock(),
    });
    expect(taken?.id).toBe(run.id);
    await builds.worker.tick();
    expect(await store.get(run.id)).toMatchObject({
      status: 'running',
      leaseOwner: 'stopped-backend',
    });

    offsetMs += 31_000;
    await builds.worker.tick();
    await builds.worker.idle();
    const done = await builds.service.get(run.id);
    expect(done).toMatchObject({ status: 'skipped', attempts: 2 });
    const log = await logOf(builds, run.id);
    expect(log.filter(l => l.startsWith('Attempt '))).toEqual([
      `Attempt 2 of run ${run.id} started on ${builds.worker.owner}`,
    ]);
  });

  it('fails clearly on refused credentials, without retrying', async () => {
    const builds = engine({ password: WRONG_PASSWORD });
    const run = await runToEnd(builds, helloAmd64(), true);
    expect(run).toMatchObject({
      status: 'failed',
      errorType: 'auth',
      attempts: 1,
      reason: expect.stringMatching(
        /^linux\/amd64: The registry refused the credentials to push/,
      ),
      platforms: [{ platform: 'linux/amd64', status: 'failed' }],
    });
    const log = (await logOf(builds, run.id)).join('\n');
    expect(log).not.toMatch(/retry \d of/);
    expect(log).not.toContain(WRONG_PASSWORD);
  });

  it('refreshes refused credentials once through the credential provider', async () => {
    let password = WRONG_PASSWORD;
    const refreshed: string[] = [];
    const provider: ImageFactoryCredentialProvider = {
      handles: host => host === registry.host,
      getCredentials: async () => ({
        type: 'basic',
        username: USERNAME,
        password,
      }),
      refresh: async host => {
        refreshed.push(host);
        password = PASSWORD;
      },
    };
    const builds = engine({ credentialProviders: [provider] });
    const run = await runToEnd(builds, helloAmd64(), true);
    expect(run.status).toBe('succeeded');
    expect(refreshed).toEqual([registry.host]);
    const log = await logOf(builds, run.id);
    expect(log).toContain(
      `The registry ${registry.host} refused the credentials; trying once more with refreshed ones`,
    );
  });

  it('retries a push while the registry is down and succeeds once it is back', async () => {
    const builds = engine({ retries: 4, retryBackoffMs: 1_000 });
    await registry.pause();
    let resumed = false;
    try {
      const { run } = await builds.service.start({
        image: helloAmd64(),
        cause: 'manual',
        force: true,
      });
      await builds.worker.tick();
      // Back up after the first failed push.
      for (let i = 0; i < 300; i++) {
        const log = await logOf(builds, run.id);
        if (
          log.some(l => /^Pushing linux\/amd64 failed .*retry 1 of 4/.test(l))
        ) {
          break;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      await registry.resume();
      resumed = true;
      await builds.worker.idle();
      const done = await builds.service.get(run.id);
      expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
      const log = await logOf(builds, run.id);
      expect(
        log.filter(l => /^Pushing linux\/amd64 failed/.test(l)).length,
      ).toBeGreaterThanOrEqual(1);
    } finally {
      if (!resumed) await registry.resume();
    }
  });

  it('fails with the reason when the Docker engine is unreachable', async () => {
    const builds = engine({
      dockerHost: 'unix:///tmp/image-factory-no-such-docker.sock',
      retries: 1,
      retryBackoffMs: 100,
    });
    const run = await runToEnd(builds, helloAmd64(), true);
    expect(run).toMatchObject({
      status: 'failed',
      errorType: 'network',
      reason: expect.stringMatching(
        /^linux\/amd64: The Docker engine at unix:\/\/\/tmp\/image-factory-no-such-docker\.sock is unreachable \(no such socket\)/,
      ),
    });
    const log = await logOf(builds, run.id);
    expect(log.filter(l => /retry 1 of 1/.test(l))).toHaveLength(1);
  });

  it('gives a running build back to the queue when the backend stops', async () => {
    const builds = engine();
    const sleepy = images.find(i => i.metadata.name === 'sleepy')!;
    const { run } = await builds.service.start({
      image: sleepy,
      cause: 'manual',
    });
    await builds.worker.tick();
    for (let i = 0; i < 300; i++) {
      const log = await logOf(builds, run.id);
      if (log.some(l => /^#\d+ \[\d+\/\d+\] RUN/.test(l))) break;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    await builds.worker.stop();
    expect(await builds.service.get(run.id)).toMatchObject({
      status: 'queued',
      attempts: 0,
    });
    expect(await logOf(builds, run.id)).toContain(
      'The backend is stopping; the run goes back to the queue',
    );
    await builds.service.cancel(run.id);
  });

  it('cancels a running build through the executor signal', async () => {
    const builds = engine();
    const { run } = await builds.service.start({
      image: images.find(i => i.metadata.name === 'sleepy')!,
      cause: 'manual',
    });
    await builds.worker.tick();
    for (let i = 0; i < 300; i++) {
      const log = await logOf(builds, run.id);
      if (log.some(l => /^#\d+ \[\d+\/\d+\] RUN/.test(l))) break;
      const state = await builds.service.get(run.id);
      if (state?.status !== 'running') throw new Error(JSON.stringify(state));
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    const started = Date.now();
    const cancelling = await builds.service.cancel(run.id);
    expect(cancelling.status).toBe('running');
    await builds.worker.idle();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await builds.service.get(run.id)).toMatchObject({
      status: 'cancelled',
      errorType: 'cancelled',
      reason: 'cancelled by request',
    });
    await expect(builds.service.cancel(run.id)).rejects.toThrow(
      /has already ended \(cancelled\)/,
    );
  });
});
