import { parseImageRef } from '@image-factory/plugin-image-factory-common';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import {
  ensureBinfmt,
  ensureDockerd,
  TestDockerd,
} from '../__testUtils__/ensureDockerd';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { thrown } from '../__testUtils__/thrown';
import {
  OciRegistryClient,
  RegistryAuthError,
  RegistryUnavailableError,
} from '../registry';
import { captureLogger } from './__testUtils__/captureLogger';
import { staticElf, StaticElfArch } from './__testUtils__/staticElf';
import { writeContext } from './__testUtils__/writeContext';
import { DockerExecutor } from './DockerExecutor';
import {
  BuildFailedError,
  BuildRequestError,
  ExecutorCancelledError,
  ExecutorTimeoutError,
  ExecutorUnreachableError,
} from './errors';
import { ociLabels } from './ociLabels';

const USERNAME = 'builder';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;

/** Processes running the test's `/sleep` binary (BuildKit runs steps without containers). */
async function sleepingProcesses(): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await fs
      .readFile(`/proc/${pid}/cmdline`, 'utf8')
      .catch(() => '');
    if (cmdline === '/sleep\0') found.push(pid);
  }
  return found;
}

// The real engine on a loaded 2-core machine once failed the classic
// builder's failing build one step early, for a reason of its own; a failed
// test runs once more, and its first failure is logged.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

describe('DockerExecutor', () => {
  const logLines: string[] = [];
  const logger = captureLogger(logLines);
  const tags: string[] = [];
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let executor: DockerExecutor;
  let classic: DockerExecutor;
  let workDir: string;
  let s390xEmulated: boolean;
  let contexts = 0;

  /** A fresh tag in the test registry, removed from the engine afterwards. */
  const newTag = (name: string) => {
    const tag = `${registry.host}/executor-test/${name}:${randomBytes(
      4,
    ).toString('hex')}`;
    tags.push(tag);
    return tag;
  };
  const context = (files: Record<string, string | Buffer>) =>
    writeContext(path.join(workDir, `ctx-${++contexts}`), files);
  // A nonce in each context: BuildKit keeps its cache between test runs.
  const helloContext = (arch: StaticElfArch) =>
    context({
      Dockerfile: [
        'FROM scratch',
        'COPY hello nonce /',
        'ARG GREETING=hello',
        'RUN ["/hello"]',
        '',
      ].join('\n'),
      hello: staticElf(arch, `hello from ${arch}\n`),
      nonce: randomBytes(8).toString('hex'),
    });
  /** What RUN steps printed, without BuildKit's `#5 0.123 ` prefix. */
  const output = (logs: string[]) =>
    logs.map(line => line.replace(/^#\d+ \d+\.\d{3} /, ''));
  const auth = (password = PASSWORD) => ({
    username: USERNAME,
    password,
    serveraddress: registry.host,
  });

  beforeAll(async () => {
    [dockerd, registry] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
    ]);
    s390xEmulated = await ensureBinfmt('s390x');
    executor = DockerExecutor.create({ docker: dockerd.docker, logger });
    classic = DockerExecutor.create({
      id: 'classic-docker',
      docker: dockerd.docker,
      logger,
      builder: 'classic',
    });
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'executor-test-'));
  }, 60_000);

  afterAll(async () => {
    if (executor) {
      for (const tag of tags) await executor.removeImage(tag).catch(() => {});
    }
    await registry?.stop();
    await dockerd?.stop();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  }, 60_000);

  it('reports the engine, its native platform and its QEMU emulators', async () => {
    const health = await executor.ping();
    if (!health.reachable) throw health.error;
    expect(health.version).toMatch(/^\d+\.\d+/);
    expect(health.architecture).toBe(os.arch() === 'x64' ? 'amd64' : os.arch());
    expect(health.platform).toBe(`linux/${health.architecture}`);
    expect(health.emulators?.s390x).toBe(s390xEmulated);

    const info = await executor.describe();
    expect(info.platforms[0]).toBe(health.platform);
    expect(info.emulatedPlatforms.includes('linux/s390x')).toBe(s390xEmulated);
    await expect(executor.checkHealth()).resolves.toBeUndefined();
  });

  it('builds linux/amd64 and linux/s390x and pushes both with htpasswd auth', async () => {
    expect(s390xEmulated).toBe(true); // qemu-user-static + binfmt (scripts/lib/services.sh ensure_binfmt)
    const created = new Date('2026-11-23T10:00:00Z');
    const labels = ociLabels({
      source: 'https://github.com/example/hello',
      revision: 'a'.repeat(40),
      created,
    });
    const platforms = [
      { arch: 'amd64' as const, tag: newTag('hello') },
      { arch: 's390x' as const, tag: newTag('hello') },
    ];

    const results = await Promise.all(
      platforms.map(async ({ arch, tag }) => {
        const logs: string[] = [];
        const build = await executor.buildPlatform({
          contextDir: await helloContext(arch),
          dockerfile: 'Dockerfile',
          platform: `linux/${arch}`,
          tag,
          buildArgs: { GREETING: 'hi' },
          labels,
          onLog: line => logs.push(line),
        });
        const pushed = await executor.push({
          tag,
          auth: auth(),
          onLog: line => logs.push(line),
        });
        return { arch, tag, build, pushed, logs };
      }),
    );

    const client = OciRegistryClient.create({
      credentials: async () => ({
        type: 'basic',
        username: USERNAME,
        password: PASSWORD,
      }),
    });
    for (const { arch, tag, build, pushed, logs } of results) {
      expect(build.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      // The RUN step really ran the platform's code (through QEMU for s390x).
      expect(output(logs)).toContain(`hello from ${arch}`);
      expect(logs.some(line => /^#\d+ \[2\/2\] RUN/.test(line))).toBe(true);

      const ref = parseImageRef(tag);
      const manifest = await client.getManifest(ref);
      expect(manifest.digest).toBe(pushed.digest);
      const config = JSON.parse(
        (await client.getBlob(ref, manifest.json.config!.digest)).toString(),
      );
      expect(config.architecture).toBe(arch);
      expect(config.os).toBe('linux');
      expect(config.config.Labels).toMatchObject({
        'org.opencontainers.image.source': 'https://github.com/example/hello',
        'org.opencontainers.image.revision': 'a'.repeat(40),
        'org.opencontainers.image.created': created.toISOString(),
      });
      // The config blob is the image the engine built, with BuildKit's
      // inline cache metadata, so that cacheFrom can reuse its layers.
      expect(manifest.json.config!.digest).toBe(build.imageId);
      expect(config['moby.buildkit.cache.v0']).toEqual(expect.any(String));
    }
  }, 120_000);

  it("never returns another platform's image from the engine's cache", async () => {
    // Same context, same steps: the classic builder's cache would hand the
    // s390x build the amd64 image.
    const contextDir = await context({
      Dockerfile: 'FROM scratch\nCOPY file /\n',
      file: randomBytes(8).toString('hex'),
    });
    const logs: string[] = [];
    const built: Record<string, string> = {};
    for (const arch of ['amd64', 's390x']) {
      const { imageId } = await executor.buildPlatform({
        contextDir,
        dockerfile: 'Dockerfile',
        platform: `linux/${arch}`,
        tag: newTag(`cache-${arch}`),
        onLog: line => logs.push(line),
      });
      const image = await dockerd.docker.getImage(imageId).inspect();
      expect(image.Architecture).toBe(arch);
      built[arch] = imageId;
    }
    expect(built.s390x).not.toBe(built.amd64);
  }, 60_000);

  it.each(['buildkit', 'classic'])(
    "builds each platform FROM that platform's image of a multi-platform base, pulled with the registry's credentials (%s)",
    async builder => {
      const builderExecutor = builder === 'classic' ? classic : executor;
      // A base index with an amd64 and an s390x image, each saying its arch.
      const client = OciRegistryClient.create({
        credentials: async () => ({
          type: 'basic',
          username: USERNAME,
          password: PASSWORD,
        }),
      });
      const baseRepo = `${registry.host}/executor-test/multi-base`;
      const nonce = randomBytes(4).toString('hex');
      const entries = [];
      for (const arch of ['amd64', 's390x'] as const) {
        const tag = `${baseRepo}:${arch}`;
        tags.push(tag);
        await executor.buildPlatform({
          contextDir: await context({
            Dockerfile: 'FROM scratch\nCOPY hello /hello\n',
            // A message of its own, so that no earlier test run's layer is cache.
            hello: staticElf(arch, `base for ${arch} ${nonce}\n`),
          }),
          dockerfile: 'Dockerfile',
          platform: `linux/${arch}`,
          tag,
        });
        await executor.push({ tag, auth: auth() });
        const manifest = await client.getManifest(parseImageRef(tag));
        entries.push({
          mediaType: manifest.mediaType,
          digest: manifest.digest,
          size: manifest.bytes.length,
          platform: { os: 'linux', architecture: arch },
        });
      }
      const base = `${baseRepo}:${builder}`;
      tags.push(base);
      await client.putManifest(
        parseImageRef(base),
        builder,
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.index.v1+json',
            manifests: entries,
          }),
        ),
        'application/vnd.oci.image.index.v1+json',
      );
      // The engine holds the s390x image under the base's tag, as after a
      // parallel s390x build: the amd64 build must not take it.
      await dockerd.docker.getImage(`${baseRepo}:s390x`).tag({
        repo: baseRepo,
        tag: builder,
      });

      const contextDir = await context({
        Dockerfile: `FROM ${base}\nRUN ["/hello"]\n`,
      });
      for (const arch of ['amd64', 's390x'] as const) {
        const logs: string[] = [];
        const { imageId } = await builderExecutor.buildPlatform({
          contextDir,
          dockerfile: 'Dockerfile',
          platform: `linux/${arch}`,
          tag: newTag(`from-multi-${arch}-${builder}`),
          pullAuth: [auth()],
          onLog: line => logs.push(line),
        });
        expect(output(logs)).toContain(`base for ${arch} ${nonce}`);
        const image = await dockerd.docker.getImage(imageId).inspect();
        expect(image.Architecture).toBe(arch);
      }
    },
    120_000,
  );

  it.each([
    {
      builder: 'buildkit',
      step: '[2/3] RUN ["/fail"]',
      stepNumber: 2,
      engineMessage: /exit code: 3/,
    },
    {
      builder: 'classic',
      step: 'Step 4/5 : RUN ["/fail"]',
      stepNumber: 4,
      engineMessage: /returned a non-zero code: 3/,
    },
  ])(
    'fails a build with the step, the Dockerfile line and the engine message ($builder)',
    async ({ builder, step, stepNumber, engineMessage }) => {
      const contextDir = await context({
        Dockerfile: [
          '# a failing build',
          'ARG UNUSED=1',
          'FROM scratch',
          'COPY fail nonce /',
          '# the next step exits with 3',
          'RUN ["/fail"]',
          'COPY fail /never',
          '',
        ].join('\n'),
        fail: staticElf('amd64', 'about to fail\n', 3),
        nonce: randomBytes(8).toString('hex'),
      });
      const logs: string[] = [];
      const error = await thrown(() =>
        (builder === 'classic' ? classic : executor).buildPlatform({
          contextDir,
          dockerfile: 'Dockerfile',
          platform: 'linux/amd64',
          tag: newTag('fail'),
          onLog: line => logs.push(line),
        }),
      );

      expect(error).toBeInstanceOf(BuildFailedError);
      const failed = error as BuildFailedError;
      // Together, so that a failure elsewhere says what the engine answered.
      expect({ step: failed.step, message: failed.engineMessage }).toEqual({
        step,
        message: expect.stringMatching(engineMessage),
      });
      expect(failed.transient).toBe(false);
      expect(failed.stepNumber).toBe(stepNumber);
      expect(failed.line).toBe(6);
      expect(failed.instruction).toBe('RUN ["/fail"]');
      expect(failed.engineMessage).toMatch(engineMessage);
      expect(failed.message).toBe(
        `Build failed at Dockerfile line 6, ${step}: ${failed.engineMessage}`,
      );
      expect(output(logs)).toContain('about to fail');
    },
    60_000,
  );

  it('leaves out what .dockerignore excludes, but not the Dockerfile', async () => {
    const contextDir = await context({
      '.dockerignore': [
        'secret.txt',
        'Dockerfile',
        'logs/',
        '!logs/keep.log',
        '',
      ].join('\n'),
      Dockerfile: [
        'FROM scratch',
        'COPY kept.txt logs/keep.log /',
        'COPY secret.txt /',
        '',
      ].join('\n'),
      'kept.txt': 'kept',
      'secret.txt': 'secret',
      'logs/keep.log': 'kept too',
      'logs/other.log': 'left out',
    });
    const error = await thrown(() =>
      executor.buildPlatform({
        contextDir,
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
        tag: newTag('ignore'),
      }),
    );

    expect(error).toBeInstanceOf(BuildFailedError);
    expect((error as BuildFailedError).line).toBe(3);
    expect((error as BuildFailedError).engineMessage).toMatch(/secret\.txt/);
  }, 60_000);

  it('rejects a wrong registry password as RegistryAuthError without leaking it', async () => {
    const wrong = `wrong-${randomBytes(12).toString('hex')}`;
    const tag = newTag('auth');
    const logs: string[] = [];
    await executor.buildPlatform({
      contextDir: await context({
        Dockerfile: 'FROM scratch\nCOPY file /\n',
        file: 'x',
      }),
      dockerfile: 'Dockerfile',
      platform: 'linux/amd64',
      tag,
    });
    const error = await thrown(() =>
      executor.push({ tag, auth: auth(wrong), onLog: line => logs.push(line) }),
    );

    expect(error).toBeInstanceOf(RegistryAuthError);
    expect((error as RegistryAuthError).transient).toBe(false);
    expect(error.message).toContain(tag);
    const everything = [
      error.message,
      String(error.stack),
      String((error as { cause?: unknown }).cause),
      JSON.stringify(error),
      ...logs,
      ...logLines,
    ].join('\n');
    for (const secret of [
      wrong,
      PASSWORD,
      Buffer.from(`${USERNAME}:${wrong}`).toString('base64'),
    ]) {
      expect(everything).not.toContain(secret);
    }
  }, 60_000);

  it('reports an unreachable registry as a transient RegistryUnavailableError', async () => {
    const tag = `127.0.0.1:9/executor-test/nowhere:${randomBytes(4).toString(
      'hex',
    )}`;
    tags.push(tag);
    await executor.buildPlatform({
      contextDir: await context({
        Dockerfile: 'FROM scratch\nCOPY file /\n',
        file: 'y',
      }),
      dockerfile: 'Dockerfile',
      platform: 'linux/amd64',
      tag,
    });
    const error = await thrown(() => executor.push({ tag }));

    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as RegistryUnavailableError).transient).toBe(true);
    expect(error.message).toMatch(/connection refused/);
  }, 60_000);

  it('reports an engine that does not answer as ExecutorUnreachableError', async () => {
    const socketPath = path.join(workDir, 'no-such-dir', 'docker.sock');
    const absent = DockerExecutor.create({
      id: 'absent',
      docker: { socketPath },
      logger,
    });

    const health = await absent.ping();
    expect(health.reachable).toBe(false);
    await expect(absent.checkHealth()).rejects.toBeInstanceOf(
      ExecutorUnreachableError,
    );
    const error = await thrown(() =>
      absent.buildPlatform({
        contextDir: workDir,
        dockerfile: 'ctx-1/Dockerfile',
        platform: 'linux/amd64',
        tag: 'example.test/app:1',
      }),
    );
    expect(error).toBeInstanceOf(ExecutorUnreachableError);
    expect((error as ExecutorUnreachableError).transient).toBe(true);
    expect(error.message).toContain(`unix://${socketPath}`);

    const pushError = await thrown(() =>
      absent.push({ tag: 'example.test/app:1', auth: auth() }),
    );
    expect(pushError).toBeInstanceOf(ExecutorUnreachableError);
    expect(pushError.message).not.toContain(PASSWORD);
  });

  it.each(['buildkit', 'classic'])(
    'stops a running build on cancel and on timeout (%s)',
    async builder => {
      const builderExecutor = builder === 'classic' ? classic : executor;
      const contextDir = await context({
        Dockerfile: 'FROM scratch\nCOPY sleep nonce /\nRUN ["/sleep"]\n',
        sleep: staticElf('amd64', 'woke up\n', 0, { sleepSeconds: 60 }),
        nonce: randomBytes(8).toString('hex'),
      });
      const request = {
        contextDir,
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
      };

      const before = new AbortController();
      before.abort();
      const early = await thrown(() =>
        builderExecutor.buildPlatform({
          ...request,
          tag: newTag('cancel'),
          signal: before.signal,
        }),
      );
      expect(early).toBeInstanceOf(ExecutorCancelledError);

      // Cancel once the RUN step's container runs.
      const controller = new AbortController();
      const cancelTag = newTag('cancel');
      const cancelled = await thrown(() =>
        builderExecutor.buildPlatform({
          ...request,
          tag: cancelTag,
          signal: controller.signal,
          onLog: line => {
            // The classic builder's container, BuildKit's step header.
            if (/Running in|\] RUN \["\/sleep"\]$/.test(line)) {
              controller.abort();
            }
          },
        }),
      );
      expect(cancelled).toBeInstanceOf(ExecutorCancelledError);
      expect((cancelled as ExecutorCancelledError).transient).toBe(false);

      const timeoutTag = newTag('timeout');
      const timedOut = await thrown(() =>
        builderExecutor.buildPlatform({
          ...request,
          tag: timeoutTag,
          timeoutMs: 1_500,
        }),
      );
      expect(timedOut).toBeInstanceOf(ExecutorTimeoutError);
      expect((timedOut as ExecutorTimeoutError).transient).toBe(true);
      expect(timedOut.message).toBe('The build did not finish within 1500 ms');

      // The engine stopped both builds: no tag, and no build container left.
      for (const tag of [cancelTag, timeoutTag]) {
        await expect(
          dockerd.docker.getImage(tag).inspect(),
        ).rejects.toMatchObject({ statusCode: 404 });
      }
      // The classic builder runs steps in containers, BuildKit with runc.
      const buildContainers = async () => [
        ...(await dockerd.docker.listContainers({ all: true })).filter(
          c => c.Command === '/sleep',
        ),
        ...(await sleepingProcesses()),
      ];
      const deadline = Date.now() + 15_000;
      while ((await buildContainers()).length > 0 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 200));
      }
      expect(await buildContainers()).toEqual([]);
    },
    60_000,
  );

  it('offers the cacheFrom images, and only those, as cache (classic builder)', async () => {
    const contextDir = await context({
      Dockerfile: 'FROM scratch\nCOPY file /\n',
      file: randomBytes(8).toString('hex'),
    });
    const build = async (cacheFrom?: string[]) => {
      const logs: string[] = [];
      const tag = newTag('cache-from');
      await classic.buildPlatform({
        contextDir,
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
        tag,
        cacheFrom,
        onLog: line => logs.push(line),
      });
      return { tag, cached: logs.some(line => line.includes('Using cache')) };
    };
    const first = await build();
    expect(first.cached).toBe(false);
    expect((await build([first.tag])).cached).toBe(true);
    // With cacheFrom, the engine's other images are no cache source.
    const other = await classic.buildPlatform({
      contextDir: await context({
        Dockerfile: 'FROM scratch\nCOPY f /\n',
        f: 'f',
      }),
      dockerfile: 'Dockerfile',
      platform: 'linux/amd64',
      tag: newTag('other'),
    });
    expect((await build([other.imageId])).cached).toBe(false);
  }, 60_000);

  it('refuses a Dockerfile outside the context and a malformed platform', async () => {
    const contextDir = await helloContext('amd64');
    await expect(
      executor.buildPlatform({
        contextDir,
        dockerfile: '../Dockerfile',
        platform: 'linux/amd64',
        tag: newTag('bad'),
      }),
    ).rejects.toBeInstanceOf(BuildRequestError);
    await expect(
      executor.buildPlatform({
        contextDir,
        dockerfile: 'Dockerfile',
        platform: 'amd64',
        tag: newTag('bad'),
      }),
    ).rejects.toThrow(/platform: must be os\/arch/);
  });
});
