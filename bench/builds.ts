/*
 * yarn bench:builds — the build engine against a plain `docker build && docker
 * push` script, in one run, on the real Docker engine and a throwaway local
 * registry (sources for the engine come from the GitHub test server):
 *   1. cold: the same 3-image, 2-platform set (linux/amd64 + linux/s390x, each
 *      pushed with an image index) built and pushed by each; ratio engine/plain,
 *      goal <= 1.0. Each side gets its own file contents, so neither finds the
 *      other's layers in the cache;
 *   2. unchanged: the engine asked again; every run must be skipped as up to date;
 *   3. push only: one prebuilt image pushed by the engine's executor and by
 *      `docker push` (two images of the same size, so neither push is a no-op);
 *      ratio engine/plain, goal <= 1.05;
 *   4. cross-compiling: one Dockerfile whose build stage does CPU-bound work
 *      (checksum rounds) built for linux/s390x with BuildKit, once with the
 *      stage marked `FROM --platform=$BUILDPLATFORM` (runs natively) and once
 *      without (all of it under QEMU); ratio cross/emulated, goal <= 0.5.
 * Needs root (or a running dockerd), docker.io, docker-registry and QEMU binfmt.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import { readProvidersConfig } from '@image-factory/plugin-image-factory-node';
import { startGitHubTestServer } from '@image-factory/github-test-server';
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import knexFactory from 'knex';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import {
  ensureBinfmt,
  ensureDockerd,
} from '../plugins/image-factory-backend/src/__testUtils__/ensureDockerd';
import { startTestRegistry } from '../plugins/image-factory-backend/src/__testUtils__/startTestRegistry';
import { createBuildEngine } from '../plugins/image-factory-backend/src/builds/createBuildEngine';
import { readBuildsConfig } from '../plugins/image-factory-backend/src/builds/readBuildsConfig';
import { SourceFetcher } from '../plugins/image-factory-backend/src/builds/SourceFetcher';
import { imageEntity } from '../plugins/image-factory-backend/src/builds/__testUtils__/imageEntity';
import { migrateDatabase } from '../plugins/image-factory-backend/src/database';
import { DockerExecutor } from '../plugins/image-factory-backend/src/executor';
import { busybox } from '../plugins/image-factory-backend/src/executor/__testUtils__/busybox';

const run = promisify(execFile);
const IMAGES = ['alpha', 'beta', 'gamma'];
const PLATFORMS = ['linux/amd64', 'linux/s390x'];
/** Bytes of the file each image copies: large enough that pushes take time. */
const PAYLOAD_BYTES = Number(
  process.env.BENCH_PAYLOAD_BYTES ?? 8 * 1024 * 1024,
);

/** The cross-compiling case: a 2 MiB payload checksummed this many times. */
const CROSS_PAYLOAD_BYTES = 2 * 1024 * 1024;
const CROSS_ROUNDS = 60;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (a: number, b: number) => (a / b).toFixed(2);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await fn();
  return [value, Date.now() - started];
}

/** One build context per image: a Dockerfile and a payload unique to `side`. */
function contextFiles(name: string, side: string) {
  return {
    Dockerfile: 'FROM scratch\nCOPY payload.bin /payload.bin\n',
    'payload.bin': Buffer.concat([
      Buffer.from(`${side}/${name}/`),
      randomBytes(PAYLOAD_BYTES),
    ]),
  };
}

/** The engine's log lines would drown the numbers. */
function quietLogger(): LoggerService {
  const logger: LoggerService = {
    error() {},
    warn() {},
    info() {},
    debug() {},
    child: () => logger,
  };
  return logger;
}

async function docker(env: NodeJS.ProcessEnv, ...args: string[]) {
  await run('docker', args, { env, maxBuffer: 64 * 1024 * 1024 });
}

async function main() {
  const dockerd = await ensureDockerd();
  if (!(await ensureBinfmt('s390x'))) {
    throw new Error('No QEMU binfmt handler for s390x');
  }
  const registry = await startTestRegistry();
  const engineFiles: Record<string, Buffer | string> = {};
  for (const name of IMAGES) {
    for (const [file, content] of Object.entries(
      contextFiles(name, 'engine'),
    )) {
      engineFiles[`${name}/${file}`] = content;
    }
  }
  const github = await startGitHubTestServer({
    repos: [{ owner: 'bench', name: 'images', files: engineFiles as never }],
  });
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-builds-'));
  const dockerEnv = {
    ...process.env,
    DOCKER_HOST: `unix://${dockerd.socketPath}`,
  };
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await migrateDatabase({ getClient: async () => knex });

  const host = new URL(github.webUrl).host;
  const config = new ConfigReader({
    integrations: {
      github: [{ host, apiBaseUrl: github.baseUrl, token: github.token }],
    },
    imageFactory: {
      builds: { parallelPlatforms: 2, concurrentRuns: 3 },
      providers: {
        executors: {
          'local-docker': {
            host: `unix://${dockerd.socketPath}`,
            platforms: PLATFORMS,
            emulatedPlatforms: ['linux/s390x'],
            concurrency: 6,
          },
        },
        sources: { github: { host } },
      },
    },
  });
  const images = IMAGES.map(name =>
    imageEntity({
      name,
      registry: registry.host,
      repository: `engine/${name}`,
      platforms: PLATFORMS,
      source: {
        repo: 'bench/images',
        dockerfile: `${name}/Dockerfile`,
        context: name,
      },
    }),
  );
  const logger = quietLogger();
  const engine = createBuildEngine({
    config: readBuildsConfig(config),
    providers: readProvidersConfig(config),
    moduleExecutors: [],
    credentialProviders: [],
    client: knex,
    urlReader: UrlReaders.default({ config, logger }),
    images: () => images,
    logger,
  });

  const engineRound = async () => {
    const started = await Promise.all(
      images.map(image => engine.service.start({ image, cause: 'manual' })),
    );
    while (true) {
      await engine.worker.tick();
      await engine.worker.idle();
      const runs = await Promise.all(
        started.map(s => engine.service.get(s.run.id)),
      );
      if (runs.every(r => r && !['queued', 'running'].includes(r.status))) {
        return runs.map(r => r!);
      }
    }
  };

  try {
    // 1. Cold builds of the same set.
    const [coldRuns, engineMs] = await timed(engineRound);
    const failed = coldRuns.filter(r => r.status !== 'succeeded');
    if (failed.length > 0) {
      throw new Error(
        `engine runs failed: ${failed
          .map(r => `${r.imageName}: ${r.reason}`)
          .join('; ')}`,
      );
    }
    const [, plainMs] = await timed(async () => {
      await Promise.all(
        IMAGES.map(async name => {
          const dir = path.join(workDir, 'plain', name);
          await fs.mkdir(dir, { recursive: true });
          for (const [file, content] of Object.entries(
            contextFiles(name, 'plain'),
          )) {
            await fs.writeFile(path.join(dir, file), content);
          }
          const repo = `${registry.host}/plain/${name}`;
          const tags = [];
          for (const platform of PLATFORMS) {
            const tag = `${repo}:latest-${platform.replace('/', '-')}`;
            await docker(
              dockerEnv,
              'build',
              '--platform',
              platform,
              '-t',
              tag,
              dir,
            );
            await docker(dockerEnv, 'push', tag);
            tags.push(tag);
          }
          await docker(
            dockerEnv,
            'manifest',
            'create',
            '--insecure',
            `${repo}:latest`,
            ...tags,
          );
          await docker(
            dockerEnv,
            'manifest',
            'push',
            '--insecure',
            `${repo}:latest`,
          );
        }),
      );
    });

    // What the plain script does not do: fetch the sources (one shared download).
    const fetcher = new SourceFetcher({
      urlReader: UrlReaders.default({ config, logger }),
      providers: readProvidersConfig(config),
    });
    const [, fetchMs] = await timed(() =>
      Promise.all(
        images.map(async image => {
          const dir = await fs.mkdtemp(path.join(workDir, 'fetch-'));
          await fetcher.fetch(image, dir);
        }),
      ),
    );

    // 2. The same set again, unchanged.
    const [againRuns, againMs] = await timed(engineRound);
    const skipped = againRuns.filter(r => r.status === 'skipped').length;

    // 3. Push only: two prebuilt images of the same size.
    const pushDir = path.join(workDir, 'push');
    await fs.mkdir(pushDir, { recursive: true });
    const build = async (side: string) => {
      for (const [file, content] of Object.entries(
        contextFiles('push', side),
      )) {
        await fs.writeFile(path.join(pushDir, file), content);
      }
      const tag = `${registry.host}/push/${side}:latest`;
      await docker(dockerEnv, 'build', '-t', tag, pushDir);
      return tag;
    };
    const engineTag = await build('engine');
    const plainTag = await build('plain');
    const executor = DockerExecutor.create({
      docker: { socketPath: dockerd.socketPath },
      logger,
    });
    const [, enginePushMs] = await timed(() =>
      executor.push({ tag: engineTag }),
    );
    const [, plainPushMs] = await timed(() =>
      docker(dockerEnv, 'push', plainTag),
    );

    // 4. Cross-compiling: the build stage native, or everything emulated.
    const crossDir = path.join(workDir, 'cross');
    await fs.mkdir(crossDir, { recursive: true });
    const native = os.arch() === 'x64' ? 'amd64' : os.arch();
    await fs.writeFile(
      path.join(crossDir, `busybox-${native}`),
      await busybox(native),
      { mode: 0o755 },
    );
    await fs.writeFile(
      path.join(crossDir, 'busybox-s390x'),
      await busybox('s390x'),
      { mode: 0o755 },
    );
    const crossDockerfile = (buildStage: string) =>
      [
        `FROM ${buildStage}scratch AS build`,
        'ARG BUILDARCH',
        'ARG TARGETARCH',
        `COPY busybox-\${${
          buildStage ? 'BUILDARCH' : 'TARGETARCH'
        }} /bin/busybox`,
        'COPY payload.bin /payload.bin',
        // CPU-bound like a compiler: checksum rounds over the payload.
        `RUN ["/bin/busybox", "sh", "-c", "for i in $(/bin/busybox seq ${CROSS_ROUNDS}); do /bin/busybox sha256sum /payload.bin; done > /sums"]`,
        'FROM scratch',
        'ARG TARGETARCH',
        'COPY busybox-${TARGETARCH} /bin/busybox',
        'COPY --from=build /sums /sums',
        'RUN ["/bin/busybox", "wc", "-l", "/sums"]',
        '',
      ].join('\n');
    const crossBuild = async (name: string, buildStage: string) => {
      await fs.writeFile(
        path.join(crossDir, 'payload.bin'),
        Buffer.concat([Buffer.from(name), randomBytes(CROSS_PAYLOAD_BYTES)]),
      );
      await fs.writeFile(
        path.join(crossDir, 'Dockerfile'),
        crossDockerfile(buildStage),
      );
      const [, ms] = await timed(() =>
        executor.buildPlatform({
          contextDir: crossDir,
          dockerfile: 'Dockerfile',
          platform: 'linux/s390x',
          tag: `${registry.host}/cross/${name}:latest`,
        }),
      );
      return ms;
    };
    const crossMs = await crossBuild(
      'native-stage',
      '--platform=$BUILDPLATFORM ',
    );
    const emulatedMs = await crossBuild('emulated', '');

    const payload = `${(PAYLOAD_BYTES / 1024 / 1024).toFixed(0)} MiB`;
    process.stdout.write(
      [
        `bench:builds — ${IMAGES.length} images × ${PLATFORMS.join(
          ' + ',
        )}, ${payload} payload each, dockerd ${dockerd.socketPath}`,
        `cold build + push + index   engine ${seconds(
          engineMs,
        )}   plain docker ${seconds(plainMs)}   ratio ${ratio(
          engineMs,
          plainMs,
        )} (goal <= 1.0)`,
        `  of which fetching sources ${seconds(
          fetchMs,
        )} (the plain script reads them from disk); without it: ratio ${ratio(
          engineMs - fetchMs,
          plainMs,
        )}`,
        `unchanged second run        engine ${seconds(
          againMs,
        )}   skipped ${skipped}/${IMAGES.length} (goal: all)`,
        `push only (one image)       engine ${seconds(
          enginePushMs,
        )}   docker push ${seconds(plainPushMs)}   ratio ${ratio(
          enginePushMs,
          plainPushMs,
        )} (goal <= 1.05)`,
        `cross-compiling for s390x   build stage native ${seconds(
          crossMs,
        )}   all emulated ${seconds(emulatedMs)}   ratio ${ratio(
          crossMs,
          emulatedMs,
        )} (goal <= 0.5)`,
        '',
      ].join('\n'),
    );
  } finally {
    await engine.worker.stop();
    await knex.destroy();
    await github.stop();
    await registry.stop();
    await dockerd.stop();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
