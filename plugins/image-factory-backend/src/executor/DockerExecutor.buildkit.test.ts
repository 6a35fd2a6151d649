import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import {
  ensureBinfmt,
  ensureDockerd,
  TestDockerd,
} from '../__testUtils__/ensureDockerd';
import { thrown } from '../__testUtils__/thrown';
import { busybox } from './__testUtils__/busybox';
import { captureLogger } from './__testUtils__/captureLogger';
import { readImageFiles } from './__testUtils__/readImageFiles';
import { writeContext } from './__testUtils__/writeContext';
import { DockerExecutor } from './DockerExecutor';
import { BuildFailedError } from './errors';

jest.setTimeout(240_000);

// What BuildKit gives a Dockerfile that the classic builder does not, on the
// real engine, for the native platform and for s390x through QEMU.
/** Per Dockerfile step (`[build 1/1]`) of a build log, whether BuildKit took it from its cache. */
function stepsCached(logs: string[]): Record<string, boolean> {
  const steps: Record<string, boolean> = {};
  const numbers = new Map<string, string>();
  for (const line of logs) {
    const header = /^#(\d+) (\[[^\]]+ \d+\/\d+\]) /.exec(line);
    if (header) {
      numbers.set(header[1], header[2]);
      steps[header[2]] = false;
    }
    const cached = /^#(\d+) CACHED$/.exec(line);
    if (cached && numbers.has(cached[1])) steps[numbers.get(cached[1])!] = true;
  }
  return steps;
}

describe('DockerExecutor with BuildKit', () => {
  const logger = captureLogger([]);
  const tags: string[] = [];
  let dockerd: TestDockerd;
  let buildkit: DockerExecutor;
  let classic: DockerExecutor;
  let workDir: string;
  let contexts = 0;
  const native = os.arch() === 'x64' ? 'amd64' : os.arch();
  const uname: Record<string, string> = {
    amd64: 'x86_64',
    arm64: 'aarch64',
    s390x: 's390x',
  };

  const newTag = (name: string) => {
    const tag = `executor-buildkit-test/${name}:${randomBytes(4).toString(
      'hex',
    )}`;
    tags.push(tag);
    return tag;
  };
  const context = async (
    dockerfile: string[],
    files: Record<string, string | Buffer> = {},
  ) =>
    writeContext(path.join(workDir, `ctx-${++contexts}`), {
      Dockerfile: `${dockerfile.join('\n')}\n`,
      ...files,
    });
  /** Builds and returns what the build failed with, and its log. */
  const failedBuild = async (
    executor: DockerExecutor,
    contextDir: string,
    platform: string,
  ) => {
    const logs: string[] = [];
    const error = await thrown(() =>
      executor.buildPlatform({
        contextDir,
        dockerfile: 'Dockerfile',
        platform,
        tag: newTag('failing'),
        onLog: line => logs.push(line),
      }),
    );
    return { error, logs };
  };
  const busyboxes = async () => ({
    [`busybox-${native}`]: await busybox(native),
    'busybox-s390x': await busybox('s390x'),
  });

  beforeAll(async () => {
    dockerd = await ensureDockerd();
    if (!(await ensureBinfmt('s390x'))) {
      throw new Error(
        'No QEMU binfmt handler for s390x (qemu-user-static, scripts/lib/services.sh ensure_binfmt)',
      );
    }
    buildkit = DockerExecutor.create({ docker: dockerd.docker, logger });
    classic = DockerExecutor.create({
      id: 'old-docker',
      docker: dockerd.docker,
      logger,
      builder: 'classic',
    });
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'buildkit-test-'));
  }, 60_000);

  afterAll(async () => {
    for (const tag of tags) await buildkit?.removeImage(tag).catch(() => {});
    await dockerd?.stop();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  }, 60_000);

  it('says which builder it uses', async () => {
    const info = await buildkit.describe();
    expect(info.builder).toMatchObject({ builder: 'buildkit' });
    expect(info.builder?.dockerfileFrontend).toMatch(/^1\.\d+$/);
    expect((await classic.describe()).builder).toMatchObject({
      builder: 'classic',
    });
  });

  it.each(['amd64', 's390x'])(
    'cross-compiles for linux/%s: a FROM --platform=$BUILDPLATFORM stage runs natively, the rest on the target, with cache and bind mounts and COPY --chmod',
    async arch => {
      const cacheDir = `/cache-${randomBytes(4).toString('hex')}`;
      const dockerfile = [
        'FROM --platform=$BUILDPLATFORM scratch AS tools',
        'ARG BUILDARCH',
        'COPY busybox-${BUILDARCH} /bin/busybox',
        'FROM tools AS build',
        'ARG TARGETARCH',
        'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox uname -m > /built-on; echo $TARGETARCH > /built-for"]',
        'FROM scratch',
        'ARG TARGETPLATFORM',
        'ARG TARGETOS',
        'ARG TARGETARCH',
        'ARG TARGETVARIANT',
        'ARG BUILDPLATFORM',
        'ARG RUN_ID',
        'COPY --chmod=750 busybox-${TARGETARCH} /bin/busybox',
        'COPY --from=build /built-on /built-for /',
        `RUN --mount=type=bind,from=build,source=/built-for,target=/mnt/built-for --mount=type=cache,target=${cacheDir} ["/bin/busybox", "sh", "-c", "/bin/busybox uname -m > /runs-on; /bin/busybox cat /mnt/built-for > /seen-in-mount; echo $RUN_ID >> ${cacheDir}/runs; /bin/busybox cp ${cacheDir}/runs /runs; echo \\"$TARGETPLATFORM $TARGETOS $TARGETARCH [$TARGETVARIANT] $BUILDPLATFORM\\" > /platform-args"]`,
      ];
      const contextDir = await context(dockerfile, await busyboxes());
      const build = async (runId: string) => {
        const logs: string[] = [];
        const tag = newTag(`cross-${arch}`);
        const result = await buildkit.buildPlatform({
          contextDir,
          dockerfile: 'Dockerfile',
          platform: `linux/${arch}`,
          tag,
          buildArgs: { RUN_ID: runId },
          onLog: line => logs.push(line),
        });
        return { result, logs };
      };

      const first = await build('first');
      const second = await build('second');
      const image = await dockerd.docker
        .getImage(second.result.imageId)
        .inspect();
      expect(`${image.Os}/${image.Architecture}`).toBe(`linux/${arch}`);
      const files = await readImageFiles(
        dockerd.docker,
        second.result.imageId,
        [
          '/built-on',
          '/built-for',
          '/runs-on',
          '/seen-in-mount',
          '/runs',
          '/platform-args',
          '/bin/busybox',
        ],
      );
      // The build stage ran on the engine's own platform, the last on the target.
      expect(files['/built-on'].text.trim()).toBe(uname[native]);
      expect(files['/built-for'].text.trim()).toBe(arch);
      expect(files['/runs-on'].text.trim()).toBe(uname[arch]);
      expect(files['/seen-in-mount'].text.trim()).toBe(arch);
      // The cache mount kept the first run's file for the second.
      expect(files['/runs'].text.trim().split('\n')).toEqual([
        'first',
        'second',
      ]);
      expect(files['/platform-args'].text.trim()).toBe(
        `linux/${arch} linux ${arch} [] linux/${native}`,
      );
      expect(files['/bin/busybox'].mode).toBe(0o750);

      // The live log: BuildKit's steps by number, their output and cache hits.
      expect(first.logs).toContain(
        `Building linux/${arch} with BuildKit of Docker ${
          (await dockerd.docker.version()).Version
        } (Dockerfile frontend ${
          (await buildkit.describe()).builder?.dockerfileFrontend
        }) on executor docker`,
      );
      expect(first.logs.some(l => /^#\d+ \[build 1\/1\] RUN /.test(l))).toBe(
        true,
      );
      expect(
        first.logs.some(l => /^#\d+ \[stage-2 3\/3\] RUN --mount/.test(l)),
      ).toBe(true);
      expect(first.logs.some(l => /^#\d+ DONE \d+\.\ds$/.test(l))).toBe(true);
      // The second run reuses every step but the one that reads RUN_ID.
      expect(stepsCached(second.logs)).toEqual({
        '[tools 1/1]': true,
        '[build 1/1]': true,
        '[stage-2 1/3]': true,
        '[stage-2 2/3]': true,
        '[stage-2 3/3]': false,
      });
    },
  );

  it.each(['amd64', 's390x'])(
    'names the Dockerfile line and the output of a failing step on linux/%s',
    async arch => {
      const contextDir = await context(
        [
          'FROM scratch',
          'ARG TARGETARCH',
          'COPY busybox-${TARGETARCH} /bin/busybox',
          'WORKDIR /work',
          'RUN ["/bin/busybox", "sh", "-c", "echo about to fail; exit 3"]',
        ],
        await busyboxes(),
      );
      const { error, logs } = await failedBuild(
        buildkit,
        contextDir,
        `linux/${arch}`,
      );
      expect(error).toBeInstanceOf(BuildFailedError);
      expect(error).toMatchObject({
        line: 5,
        stepNumber: 3,
        instruction:
          'RUN ["/bin/busybox", "sh", "-c", "echo about to fail; exit 3"]',
        transient: false,
      });
      expect((error as Error).message).toMatch(
        /^Build failed at Dockerfile line 5, \[3\/3\] RUN .*exit code: 3/,
      );
      expect(logs.some(l => /^#\d+ \d+\.\d{3} about to fail$/.test(l))).toBe(
        true,
      );
      expect(logs.some(l => /^#\d+ ERROR: .*exit code: 3$/.test(l))).toBe(true);
    },
  );

  it('refuses, before building, a Dockerfile that needs a newer frontend than the engine has, naming the line', async () => {
    const { dockerfileFrontend } = (await buildkit.describe()).builder!;
    // Heredocs need Dockerfile frontend 1.4; Debian's Docker 20.10 has 1.2.
    expect(dockerfileFrontend).toBe('1.2');
    const contextDir = await context([
      'FROM scratch',
      'COPY <<EOF /greeting',
      'hello',
      'EOF',
    ]);
    const { error, logs } = await failedBuild(
      buildkit,
      contextDir,
      `linux/${native}`,
    );
    expect(error).toBeInstanceOf(BuildFailedError);
    expect(error).toMatchObject({ line: 2, transient: false });
    expect((error as Error).message).toMatch(
      /^Build failed at Dockerfile line 2: line 2 uses .*heredoc.*, which needs Dockerfile frontend 1\.4; BuildKit of Docker 20\.10\.\S+ \(Dockerfile frontend 1\.2\) on executor docker does not have it/,
    );
    expect(logs).toEqual([]);
  });

  it('builds a Dockerfile with a # syntax= line with that frontend image, saying so, and fails clearly when the engine cannot pull it', async () => {
    const contextDir = await context([
      '# syntax=127.0.0.1:9/frontends/dockerfile:1.7',
      'FROM scratch',
      'COPY <<EOF /greeting',
      'hello',
      'EOF',
    ]);
    const { error, logs } = await failedBuild(
      buildkit,
      contextDir,
      `linux/${native}`,
    );
    // Not refused for the heredoc: the frontend image decides what it reads.
    expect(logs).toContain(
      'Dockerfile line 1 (# syntax=127.0.0.1:9/frontends/dockerfile:1.7) makes BuildKit build with that frontend image, which the engine pulls',
    );
    expect(error).toBeInstanceOf(BuildFailedError);
    expect((error as Error).message).toMatch(
      /^Build failed at Dockerfile line 1: the frontend image of '# syntax=127\.0\.0\.1:9\/frontends\/dockerfile:1\.7' could not be loaded: .*connection refused$/,
    );
  });

  it('with the classic builder: sets the platform arguments as BuildKit does, and refuses RUN --mount naming the line', async () => {
    const contextDir = await context(
      [
        'FROM scratch',
        // The classic builder wants a layer before the first ARG after FROM scratch.
        'COPY busybox-s390x /bin/busybox',
        'ARG TARGETARCH',
        'ARG TARGETPLATFORM',
        'ARG BUILDPLATFORM',
        'RUN ["/bin/busybox", "sh", "-c", "echo $TARGETPLATFORM $TARGETARCH $BUILDPLATFORM > /platform-args"]',
      ],
      await busyboxes(),
    );
    const built = await classic.buildPlatform({
      contextDir,
      dockerfile: 'Dockerfile',
      platform: 'linux/s390x',
      tag: newTag('classic'),
    });
    const files = await readImageFiles(dockerd.docker, built.imageId, [
      '/platform-args',
    ]);
    expect(files['/platform-args'].text.trim()).toBe(
      `linux/s390x s390x linux/${native}`,
    );

    const mounting = await context([
      'FROM scratch',
      'RUN --mount=type=cache,target=/c ["/true"]',
    ]);
    const { error } = await failedBuild(classic, mounting, `linux/${native}`);
    expect((error as Error).message).toMatch(
      /line 2 uses .*RUN --mount.*, which needs BuildKit; the classic builder of Docker \S+ on executor old-docker does not have it/,
    );
  });
});
