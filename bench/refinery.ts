/*
 * yarn bench:refinery — the wheel refinery against plain sequential
 * `pip wheel` in the same builder (image-factory/wheel-builder, linux/amd64,
 * made by ./scripts/test or ./scripts/start), in one run, on the real Docker
 * engine, with sdists served by a local PEP 503 index:
 *   1. cold: the same set (MarkupSafe from Debian's pool and BENCH_EXTENSIONS
 *      generated C-extension projects) built by the refinery's queue and
 *      worker (concurrency BENCH_CONCURRENCY, default 2: builds of a round run
 *      side by side; each wheel is also checked, installed and imported) and
 *      by `pip wheel --no-deps --no-build-isolation` of the same sdists in one
 *      container; ratio refinery/plain, goal <= 1.0;
 *   2. re-run: the fully built set asked again (the refinery plans, finds
 *      every wheel built and builds nothing) against plain pip building it all
 *      again; ratio plain/refinery, goal >= 50;
 *   3. index: p95 latency of a project page with 500 files, PEP 503 HTML and
 *      PEP 691 JSON, over 200 requests each; goal < 50 ms.
 * Needs root (or a running dockerd) and the amd64 builder image.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { parseWheelsFile } from '@image-factory/plugin-image-factory-common';
import { execFile } from 'child_process';
import express from 'express';
import { promises as fs } from 'fs';
import knexFactory from 'knex';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { ensureDockerd } from '../plugins/image-factory-backend/src/__testUtils__/ensureDockerd';
import { migrateDatabase } from '../plugins/image-factory-backend/src/database';
import { buildTestSdist } from '../plugins/image-factory-backend/src/refinery/__testUtils__/buildTestSdist';
import { startSdistIndex } from '../plugins/image-factory-backend/src/refinery/__testUtils__/startSdistIndex';
import { AMD64_BUILDER } from '../plugins/image-factory-backend/src/refinery/__testUtils__/wheelBuilder';
import { createRefineryQueue } from '../plugins/image-factory-backend/src/refinery/queue/createRefineryQueue';
import { DirectoryWheelBlobStore } from '../plugins/image-factory-backend/src/refinery/store/DirectoryWheelBlobStore';
import { WheelFileStore } from '../plugins/image-factory-backend/src/refinery/store/WheelFileStore';
import { WheelPublisher } from '../plugins/image-factory-backend/src/refinery/WheelPublisher';
import { refineryIndexRoutes } from '../plugins/image-factory-backend/src/service/refineryIndexRoutes';

const run = promisify(execFile);
const EXTENSIONS = Number(process.env.BENCH_EXTENSIONS ?? 4);
/** C functions per generated extension: enough that gcc takes a few seconds. */
const FUNCTIONS = Number(process.env.BENCH_FUNCTIONS ?? 1500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const INDEX_FILES = 500;
const INDEX_REQUESTS = 200;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - started) / 1e6];
}

const quiet: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => quiet,
};

/** A C extension whose compile takes a while: FUNCTIONS small functions. */
function extensionSdist(index: number) {
  const name = `bench-ext-${String.fromCharCode(97 + index)}`;
  const module = name.replace(/-/g, '_');
  const functions = Array.from(
    { length: FUNCTIONS },
    (_, i) =>
      `static long f${i}(long x) { long y = x; for (int k = 0; k < ${
        (i % 7) + 1
      }; k++) y = y * ${i + 3} + k; return y ^ ${i}; }`,
  ).join('\n');
  const sum = Array.from({ length: FUNCTIONS }, (_, i) => `f${i}(x)`).join(
    ' + ',
  );
  return buildTestSdist({
    name,
    version: '1.0',
    files: {
      'setup.py': `from setuptools import Extension, setup
setup(name="${name}", version="1.0", packages=["${module}"],
      ext_modules=[Extension("${module}._speed", ["speed.c"])])
`,
      'speed.c': `#include <Python.h>
${functions}
static PyObject *total(PyObject *self, PyObject *arg) {
  long x = PyLong_AsLong(arg);
  return PyLong_FromLong(${sum});
}
static PyMethodDef methods[] = {{"total", total, METH_O, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, methods};
PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&mod); }
`,
      [`${module}/__init__.py`]: 'from ._speed import total\n',
    },
  });
}

/** Plain pip: one container, the same sdists, one after the other. */
async function plainPipWheel(
  dockerHost: string,
  indexUrl: string,
  requirements: string[],
) {
  await run(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'host',
      AMD64_BUILDER,
      'python3',
      '-m',
      'pip',
      'wheel',
      '-q',
      '--no-deps',
      '--no-build-isolation',
      '--no-cache-dir',
      '--no-binary',
      ':all:',
      '--index-url',
      indexUrl,
      '-w',
      '/tmp/out',
      ...requirements,
    ],
    { env: { ...process.env, DOCKER_HOST: dockerHost }, timeout: 1_800_000 },
  );
}

function p95(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.95) - 1];
}

/** The index's project page with 500 files, as pip asks for it. */
async function indexLatency(client: ReturnType<typeof knexFactory>) {
  const files = WheelFileStore.create({ client });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-index-'));
  const blobs = new DirectoryWheelBlobStore(dir);
  for (let i = 0; i < INDEX_FILES; i++) {
    await files.add({
      project: 'bench-many',
      filename: `bench_many-1.${i}-cp311-cp311-linux_s390x.whl`,
      version: `1.${i}`,
      sha256: i.toString(16).padStart(64, '0'),
      size: 1000 + i,
      metadataSha256: (i + 1).toString(16).padStart(64, '0'),
      requiresPython: '>=3.8',
      architecture: 's390x',
      uploadedAt: new Date(),
    });
  }
  // Some yanked, as a long-lived project has.
  for (let i = 0; i < INDEX_FILES; i += 50) {
    await files.setYanked(
      'bench-many',
      `bench_many-1.${i}-cp311-cp311-linux_s390x.whl`,
      { reason: 'broken build' },
    );
  }
  const app = express();
  app.use(
    refineryIndexRoutes({
      // The embedded default's public index; a token's check is a local
      // signature check on top.
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      files,
      blobs,
      publicIndex: true,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(r => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/refinery/simple/bench-many/`;
  const measure = async (accept: string) => {
    const samples: number[] = [];
    for (let i = 0; i < INDEX_REQUESTS; i++) {
      const [res, ms] = await timed(() => fetch(url, { headers: { accept } }));
      const body = await res.text();
      if (!res.ok || !body.includes('bench_many-1.499-')) {
        throw new Error(`index answered ${res.status}: ${body.slice(0, 200)}`);
      }
      samples.push(ms);
    }
    return p95(samples);
  };
  const html = await measure('text/html');
  const json = await measure('application/vnd.pypi.simple.v1+json');
  server.close();
  await fs.rm(dir, { recursive: true, force: true });
  return { html, json };
}

async function main() {
  const dockerd = await ensureDockerd();
  const dockerHost = `unix://${dockerd.socketPath}`;
  const sdists = await Promise.all(
    Array.from({ length: EXTENSIONS }, (_, i) => extensionSdist(i)),
  );
  const index = await startSdistIndex(['MarkupSafe-2.1.2.tar.gz'], sdists);
  const requirements = [
    'MarkupSafe==2.1.2',
    ...sdists.map(
      s =>
        `${s.filename.replace(/_/g, '-').replace(/-1\.0\.tar\.gz$/, '')}==1.0`,
    ),
  ];
  console.log(
    `Set: ${requirements.join(
      ', ',
    )} for cp311 linux/amd64 (native); refinery concurrency ${CONCURRENCY}`,
  );

  const client = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await migrateDatabase({ getClient: async () => client });
  const storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-refinery-'));
  const files = WheelFileStore.create({ client });
  const publisher = new WheelPublisher({
    files,
    blobs: new DirectoryWheelBlobStore(storeDir),
  });
  const queue = createRefineryQueue({
    client,
    docker: dockerd.docker,
    files,
    publisher,
    builders: { 'linux/amd64': AMD64_BUILDER },
    config: {
      concurrency: CONCURRENCY,
      leaseMs: 60_000,
      pollIntervalMs: 200,
      maxAttempts: 3,
    },
    logger: quiet,
  });
  queue.worker.start();
  const set = parseWheelsFile(`wheelSets:
  - name: bench
    owner: team-bench
    requirements: ${JSON.stringify(requirements)}
    targets: [{ python: cp311, platforms: [linux/amd64] }]
    builder: wheel-builder
    upstream: ${index.url}
`).sets[0];
  const refine = async () => {
    const asked = await queue.request(set, 'user:default/bench');
    for (;;) {
      const runRecord = await queue.getRun(asked.id);
      if (runRecord?.status === 'succeeded') return runRecord;
      if (runRecord?.status === 'failed') {
        throw new Error(
          `The refinery's run failed: ${JSON.stringify(runRecord, null, 1)}`,
        );
      }
      await new Promise(r => setTimeout(r, 100));
    }
  };

  try {
    // Warm the engine's image cache so neither side pays for it.
    await run('docker', ['run', '--rm', AMD64_BUILDER, 'true'], {
      env: { ...process.env, DOCKER_HOST: dockerHost },
    });
    const [, plainCold] = await timed(() =>
      plainPipWheel(dockerHost, index.url, requirements),
    );
    const [cold, refineryCold] = await timed(refine);
    const built = cold.jobs.filter(j => j.status === 'built').length;
    console.log(
      `1. cold: refinery ${seconds(
        refineryCold,
      )} (${built} built, each checked) vs plain pip wheel ${seconds(
        plainCold,
      )}: ratio ${(refineryCold / plainCold).toFixed(2)} (goal <= 1.0)`,
    );

    const [again, refineryAgain] = await timed(refine);
    const rebuilt = again.jobs.length;
    const [, plainAgain] = await timed(() =>
      plainPipWheel(dockerHost, index.url, requirements),
    );
    console.log(
      `2. re-run: refinery ${seconds(
        refineryAgain,
      )} (${rebuilt} builds) vs plain pip wheel ${seconds(plainAgain)}: ${(
        plainAgain / refineryAgain
      ).toFixed(1)}x faster (goal >= 50x, nothing rebuilt)`,
    );

    const latency = await indexLatency(client);
    console.log(
      `3. index: project page with ${INDEX_FILES} files, p95 over ${INDEX_REQUESTS} requests: HTML ${latency.html.toFixed(
        1,
      )} ms, JSON ${latency.json.toFixed(1)} ms (goal < 50 ms)`,
    );
  } finally {
    await queue.worker.stop();
    await index.stop();
    await client.destroy();
    await fs.rm(storeDir, { recursive: true, force: true });
    await dockerd.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
