/*
 * One scale of bench:tracking (see bench/tracking.ts), in two processes:
 * `setup` fills an in-memory SQLite database as a factory would have (bases
 * pushed, Dockerfile analyses stored, two tracking passes, every image's
 * last build recorded through the build store) and writes it to a file;
 * `passes` is a fresh process that opens that database (deserialized into
 * memory, as the setup had it) and runs the measured passes. Each reports
 * its own peak RSS: the passes' is that of a backend serving those images.
 */
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ImageEntityV1alpha1,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { randomUUID } from 'crypto';
import express from 'express';
import { Session } from 'inspector';
import path from 'path';
import { readFileSync, writeFileSync } from 'fs';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import v8 from 'v8';
import vm from 'vm';
import { BuildEvents } from '../../plugins/image-factory-backend/src/builds/BuildEvents';
import { BuildService } from '../../plugins/image-factory-backend/src/builds';
import { imageEntity } from '../../plugins/image-factory-backend/src/builds/__testUtils__/imageEntity';
import {
  DatabaseBuildLogStore,
  DatabaseBuildStore,
  DatabaseDigestStore,
  DatabaseImageBasesStore,
  DatabaseRebuildPlanStore,
  migrateDatabase,
} from '../../plugins/image-factory-backend/src/database';
import {
  ImageBasesResolver,
  ImageGraph,
  ResolvedBase,
} from '../../plugins/image-factory-backend/src/graph';
import { RebuildPlanner } from '../../plugins/image-factory-backend/src/planning/RebuildPlanner';
import { OciRegistryClient } from '../../plugins/image-factory-backend/src/registry';
import {
  BaseImageTracker,
  DigestWatcher,
} from '../../plugins/image-factory-backend/src/tracking';
import {
  pushIndex,
  pushPlatformManifest,
  PushedManifest,
} from '../../plugins/image-factory-backend/src/tracking/__testUtils__/pushImages';
import { graphRoutes } from '../../plugins/image-factory-backend/src/service/graphRoutes';
import { createImageAccess } from '../../plugins/image-factory-backend/src/service/imageAccess';
import { withSourceIssues } from '../../plugins/image-factory-backend/src/service/withSourceIssues';
import { median, pool, silentLogger, time } from '../benchUtils';
import {
  BIG,
  CHANGED,
  Counts,
  PassFigures,
  Scale,
  SetupFigures,
  SMALL,
  TrackingPass,
} from './types';

const HOUR = 60 * 60 * 1000;
/** More than the watcher's default interval plus jitter: every reference is due. */
const PAST_INTERVAL = 27 * HOUR;

const PLATFORMS = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  s390x: { os: 'linux', architecture: 's390x' },
};

/** A signed-in user who may read every image (the bench times the route, not the policy). */
const httpAuth = {
  credentials: async () =>
    ({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    } as BackstageCredentials),
} as unknown as HttpAuthService;
const permissions = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
} as unknown as PermissionsService;

export interface ScaleOptions {
  scale: Scale;
  registryHost: string;
  proxyHost: string;
  /** The counts of the proxy (in the parent process) since the last call. */
  takeCounts: () => Promise<Counts>;
  /** The database file the setup writes and the passes open. */
  file: string;
}

/** The process's peak RSS in bytes, as the kernel counts it. */
export const peakRss = () => process.resourceUsage().maxRSS * 1024;

/**
 * Lets the event loop turn: better-sqlite3 frees a statement's native memory
 * only when V8 has collected its wrapper and the event loop has turned
 * (Node-API runs such finalizers from the loop), so a loop of awaited
 * queries that never yields keeps every statement it prepared. A backend
 * records builds in separate requests and tasks; the setup yields as often.
 */
const turn = () => new Promise(resolve => setImmediate(resolve));

/** A full collection, without starting Node with --expose-gc. */
const collectGarbage = () => {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
};

/**
 * With BENCH_HEAP_PROFILE=<dir>: V8's sampling heap profiler, counting what
 * was collected too, written per phase as `<dir>/<scale>-<n>-<phase>.heapprofile`.
 */
async function startPhaseProfiles(label: string) {
  const dir = process.env.BENCH_HEAP_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  const start = () =>
    post('HeapProfiler.startSampling', {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  await start();
  let n = 0;
  return {
    async write(phase: string) {
      const { profile } = await post('HeapProfiler.stopSampling');
      n += 1;
      writeFileSync(
        path.join(
          dir,
          `${label}-${n}-${phase.replace(/\W+/g, '-')}.heapprofile`,
        ),
        JSON.stringify(profile),
      );
      await start();
    },
  };
}

/** The objects of a factory serving `scale` on `knex`, as the plugin wires them. */
async function world(options: ScaleOptions, knex: Knex, start: Date) {
  const { scale, registryHost, proxyHost } = options;
  /**
   * With BENCH_TRACE set, the memory at each phase, on stderr
   * (BENCH_TRACE=gc: after a full collection, so the live heap, which moves
   * the peak); with BENCH_HEAP_PROFILE=<dir>, a sampling heap profile of
   * what each phase allocated, collected or not (open it in DevTools).
   */
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
  const profiler = await startPhaseProfiles(scale.label);
  const phase = async (label: string) => {
    await profiler?.write(label);
    if (!process.env.BENCH_TRACE) return;
    if (process.env.BENCH_TRACE === 'gc') collectGarbage();
    const m = process.memoryUsage();
    process.stderr.write(
      `${scale.label} ${label}: rss ${mb(m.rss)}, heap ${mb(
        m.heapUsed,
      )} used of ${mb(m.heapTotal)}, external ${mb(m.external)}\n`,
    );
  };
  await migrateDatabase({ getClient: async () => knex });
  const clock = { now: start };
  const now = () => clock.now;
  const advance = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };

  // The bases: pushed straight to the registry; images name them through the proxy.
  const pusher = OciRegistryClient.create();
  const isIndex = (b: number) => b % 5 === 0;
  const baseRepo = (b: number) => ({
    registry: registryHost,
    repository: `s${scale.label}/base/b${b}`,
  });
  const baseRef = (b: number) => `${proxyHost}/s${scale.label}/base/b${b}:1`;
  const children = new Map<number, PushedManifest[]>();
  /** Pushes base `b` at `revision`; for an index, only the amd64 child changes. */
  const pushBase = async (b: number, revision: string) => {
    const repo = baseRepo(b);
    if (!isIndex(b)) {
      await pushPlatformManifest(
        pusher,
        repo,
        PLATFORMS.amd64,
        `b${b}-${revision}`,
        '1',
      );
      return;
    }
    const amd64 = await pushPlatformManifest(
      pusher,
      repo,
      PLATFORMS.amd64,
      `b${b}-${revision}`,
    );
    // One after another: the children share their layer blob, and the
    // registry refuses concurrent uploads of one blob to one repository.
    let others = children.get(b)?.slice(1);
    if (!others) {
      others = [];
      for (const p of [PLATFORMS.arm64, PLATFORMS.s390x]) {
        others.push(
          await pushPlatformManifest(pusher, repo, p, `b${b}-${revision}`),
        );
      }
    }
    children.set(b, [amd64, ...others]);
    await pushIndex(pusher, repo, '1', children.get(b)!);
  };
  const bases = Array.from({ length: scale.bases }, (_, b) => b);

  // The images and their Dockerfile bases (the same in both processes).
  const baseOf = (i: number) =>
    i < BIG
      ? 0
      : i < BIG + SMALL
      ? 1
      : 2 + ((i - BIG - SMALL) % (scale.bases - 2));
  const platformsOf = (b: number) =>
    isIndex(b) ? ['linux/amd64', 'linux/arm64'] : ['linux/amd64'];
  const entities: ImageEntityV1alpha1[] = Array.from(
    { length: scale.images },
    (_, i) =>
      imageEntity({
        name: `image-${i}`,
        registry: 'registry.example.test',
        repository: `apps/image-${i}`,
        tag: '1',
        platforms: platformsOf(baseOf(i)),
        source: {
          repo: `acme/image-${i}`,
          dockerfile: 'Dockerfile',
          context: '.',
        },
      }),
  );
  const imageBases = DatabaseImageBasesStore.create({ client: knex });
  /** Stores the Dockerfile analyses, as the graph's resolver keeps them. */
  const storeAnalyses = async () => {
    for (let from = 0; from < scale.images; from += 100) {
      const batch = entities.slice(from, from + 100).map((entity, j) => {
        const b = baseOf(from + j);
        const resolved: ResolvedBase = {
          reference: baseRef(b),
          platforms: platformsOf(b),
          usages: [],
        };
        return {
          entityRef: stringifyEntityRef(entity),
          bases: [resolved],
          analyzedAt: clock.now,
          problems: [],
        };
      });
      await imageBases.putAll(batch);
      await turn();
    }
  };

  const digests = DatabaseDigestStore.create({ client: knex });
  const resolver = new ImageBasesResolver({
    urlReader: {} as UrlReaderService, // only what the store holds is read
    providers: [],
    store: imageBases,
    logger: silentLogger,
    clock: now,
  });
  const graph = new ImageGraph({ images: () => entities, resolver, digests });
  const client = OciRegistryClient.create({ clock: now });
  const tracker = new BaseImageTracker({
    watcher: DigestWatcher.create({
      store: digests,
      registry: client,
      logger: silentLogger,
      clock: now,
    }),
    store: digests,
    images: () => entities,
    bases: () => graph.baseUsage(),
    logger: silentLogger,
  });

  const tracking: TrackingPass[] = [];
  const track = async (label: string) => {
    advance(PAST_INTERVAL);
    await options.takeCounts();
    const [summary, ms] = await time(() => tracker.runOnce());
    if (summary.errors.length > 0) {
      throw new Error(
        `tracking errors: ${summary.errors
          .map(e => `${e.reference}: ${e.message}`)
          .join('; ')}`,
      );
    }
    tracking.push({ label, ...(await options.takeCounts()), ms });
  };

  // Every image's last successful build, with the base digest it used.
  const builds = DatabaseBuildStore.create({ client: knex });
  const recordBuild = async (i: number) => {
    const image = entities[i];
    const reference = baseRef(baseOf(i));
    const digest = (await digests.getCurrent(reference))!.digest.digest;
    const id = randomUUID();
    const inputs = {
      platforms: image.spec.platforms,
      baseDigests: { [reference]: digest },
    };
    await builds.enqueue({
      id,
      imageName: image.metadata.name,
      entityRef: stringifyEntityRef(image),
      cause: 'manual',
      force: false,
      inputs,
      createdAt: clock.now,
    });
    const claimed = await builds.claim({
      owner: 'bench',
      leaseMs: HOUR,
      now: clock.now,
    });
    if (claimed?.id !== id)
      throw new Error(`claimed ${claimed?.id}, not ${id}`);
    await builds.setInputs({
      id,
      owner: 'bench',
      inputs,
      inputsHash: `sha256:${id}`,
      reference: image.spec.reference,
    });
    await builds.finish({
      id,
      owner: 'bench',
      now: clock.now,
      end: {
        status: 'succeeded',
        indexDigest: `sha256:${id.replace(/-/g, '').padEnd(64, '0')}`,
      },
    });
  };

  return {
    phase,
    clock,
    advance,
    now,
    isIndex,
    baseRef,
    baseOf,
    bases,
    children,
    pushBase,
    entities,
    storeAnalyses,
    resolver,
    graph,
    client,
    tracker,
    tracking,
    track,
    digests,
    builds,
    recordBuild,
  };
}

/**
 * The setup: bases pushed, analyses stored, the first two tracking passes
 * (and at 1k the naive peer), every image's last build recorded an hour
 * before the planning passes; the database is written to `options.file`.
 */
export async function runSetup(options: ScaleOptions): Promise<SetupFigures> {
  const { scale } = options;
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    const w = await world(options, knex, new Date('2026-11-02T00:00:00Z'));
    await w.phase('start');
    const [, pushMs] = await time(() =>
      pool(w.bases, 8, b => w.pushBase(b, 'r1')),
    );
    await w.phase('pushed');
    await w.storeAnalyses();
    await w.phase('analyses stored');
    await w.resolver.load();
    const uniqueRefs = w.graph.baseUsage().size;

    // 1. Tracking: first pass, then one with nothing changed.
    await w.track('first pass (every digest new)');
    await w.track('nothing changed');
    await w.phase('tracked');

    // Peer: one HEAD per image, however many images share a base.
    let naive: SetupFigures['naive'];
    if (scale.naive) {
      await options.takeCounts();
      const [, naiveMs] = await time(async () => {
        for (let i = 0; i < scale.images; i++) {
          await w.client.headManifest(parseImageRef(w.baseRef(w.baseOf(i))));
        }
      });
      const counted = await options.takeCounts();
      naive = {
        requests: counted.head + counted.get + counted.other,
        ms: naiveMs,
      };
    }

    const [, recordMs] = await time(async () => {
      for (let i = 0; i < scale.images; i++) {
        await w.recordBuild(i);
        if (i % 100 === 99) await turn();
      }
    });
    await w.phase('builds recorded');
    // The builds are in the ledger from before: the planner starts an hour later.
    w.advance(HOUR);

    const connection = await knex.client.acquireConnection();
    const image: Buffer = connection.serialize();
    await knex.client.releaseConnection(connection);
    writeFileSync(options.file, image);
    return {
      uniqueRefs,
      indexes: w.bases.filter(w.isIndex).length,
      pushMs,
      recordMs,
      tracking: w.tracking,
      naive,
      children: [...w.children],
      clock: w.clock.now.toISOString(),
      databaseBytes: image.length,
      peakRss: peakRss(),
    };
  } finally {
    await knex.destroy();
  }
}

/**
 * The measured passes, in a process that opens the setup's database: the
 * planning passes, tracking passes after bases changed, the status page and
 * GET /graph.
 */
export async function runPasses(
  options: ScaleOptions,
  setup: SetupFigures,
): Promise<PassFigures> {
  // The setup's database, deserialized into memory as it was: the bench
  // times the code, not the disk. Read once: the file's bytes go when the
  // pool has opened its one connection.
  let fixture: Buffer | undefined = readFileSync(options.file);
  const connection = Object.assign(
    () => {
      const filename = fixture;
      fixture = undefined;
      if (!filename) throw new Error('the fixture database was opened twice');
      return { filename };
    },
    { filename: options.file }, // what knex looks for in its configuration
  );
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: connection as unknown as Knex.StaticConnectionConfig,
    useNullAsDefault: true,
  });
  try {
    const w = await world(options, knex, new Date(setup.clock));
    for (const [b, pushed] of setup.children) w.children.set(b, pushed);
    await w.resolver.load();
    w.graph.baseUsage(); // as the setup's tracking passes left it
    await w.phase('loaded');
    const loadedRss = process.memoryUsage().rss;

    const plans = DatabaseRebuildPlanStore.create({ client: knex });
    const service = new BuildService({
      store: w.builds,
      logs: DatabaseBuildLogStore.create({ client: knex }),
      events: new BuildEvents(),
      images: () => w.entities,
      clock: w.now,
    });
    const newPlanner = () =>
      new RebuildPlanner({
        images: () => w.entities,
        graph: () => w.graph.getGraph(),
        digests: w.digests,
        builds: w.builds,
        plans,
        queue: { start: r => service.start(r) },
        logger: silentLogger,
        maxWaitMs: 24 * HOUR,
        maxDepth: 10,
        clock: w.now,
        // The bench's clock jumps a day for each tracking pass (to make
        // every reference due): with the hourly default every pass after one
        // would be the full pass, which the restarts measure apart.
        fullPassIntervalMs: 30 * 24 * HOUR,
      });
    let planner = newPlanner();
    const plan = () => time(() => planner.runOnce());

    // 2. Planning. A new planner's first pass plans every image.
    const [, restartMs] = await plan();
    await w.phase('first planning pass');
    const quiet: number[] = [];
    for (let n = 0; n < 5; n++) {
      w.advance(60_000);
      const [open, ms] = await plan();
      if (open.length !== 0) throw new Error(`${open.length} plans, not 0`);
      quiet.push(ms);
    }

    await w.phase('quiet passes');
    await w.pushBase(1, 'r2');
    await w.track(`base used by ${SMALL} images changed`);
    const [smallPlans, smallMs] = await plan();

    // Those images are rebuilt; the next pass closes their plans.
    for (let i = BIG; i < BIG + SMALL; i++) await w.recordBuild(i);
    w.advance(HOUR);
    const [closed] = await plan();
    if (closed.length !== 0) throw new Error(`${closed.length} plans left`);

    await w.pushBase(0, 'r2');
    await w.track(`base used by ${BIG} images changed`);
    const [bigPlans, bigMs] = await plan();
    const bigPlatforms = [...new Set(bigPlans.flatMap(p => p.platforms))];

    await w.phase('500 pass');
    // A restart with those plans open: a full pass again.
    planner = newPlanner();
    w.advance(60_000);
    const [, fullWithPlansMs] = await plan();

    const snapshot = await w.graph.getGraph();
    const [cascade, cascadeMs] = await time(async () =>
      snapshot.graph.predictCascade(w.baseRef(0)),
    );

    await w.phase('restart pass');
    // The last tracking pass: N more bases changed.
    const changed = w.bases.slice(2, 2 + CHANGED);
    await pool(changed, 8, b => w.pushBase(b, 'r2'));
    await w.track(`${CHANGED} other bases changed`);

    await w.phase('last tracking');
    // 3. The status page and GET /graph, first after that change, then again.
    const app = express();
    app.use(
      graphRoutes({
        httpAuth,
        access: createImageAccess({ permissions }),
        graph: w.graph,
      }),
    );
    const getGraph = async () => {
      const res = await request(app).get('/graph');
      if (res.status !== 200) throw new Error(`GET /graph: ${res.status}`);
      return res.text.length;
    };
    const imagesStatus = {
      location: 'images.yaml',
      ok: true,
      imageCount: w.entities.length,
      issues: [],
    };
    const status = async () =>
      JSON.stringify({
        imagesFile: withSourceIssues(
          imagesStatus,
          w.entities,
          await w.graph.sourceProblems(),
        ),
        tracking: { references: await w.tracker.status() },
      }).length;
    const [graphBytes, graphFirstMs] = await time(getGraph);
    const [statusBytes, statusFirstMs] = await time(status);
    const graphTimes: number[] = [];
    const statusTimes: number[] = [];
    for (let n = 0; n < 3; n++) {
      graphTimes.push((await time(getGraph))[1]);
      statusTimes.push((await time(status))[1]);
    }

    await w.phase('status and graph');
    const passesPeakRss = peakRss();
    // What the passes keep: the heap after a full collection (after the peak
    // was read, so that it does not lower it).
    collectGarbage();
    await turn();
    const liveHeap = process.memoryUsage().heapUsed;
    // The registry back as the setup left it, for another passes process
    // on the same setup (bench/tracking.ts runs one with a smaller heap).
    for (const b of [0, 1, ...changed]) await w.pushBase(b, 'r1');
    return {
      tracking: w.tracking,
      restartMs,
      quietMs: median(quiet),
      smallMs,
      smallPlans: smallPlans.length,
      bigMs,
      bigPlans: bigPlans.length,
      bigPlatforms,
      fullWithPlansMs,
      cascadeMs,
      cascadeRebuilds: cascade.rebuilds.length,
      graphFirstMs,
      graphMs: median(graphTimes),
      graphBytes,
      statusFirstMs,
      statusMs: median(statusTimes),
      statusBytes,
      loadedRss,
      liveHeap,
      heapLimit: v8.getHeapStatistics().heap_size_limit,
      peakRss: passesPeakRss,
    };
  } finally {
    await knex.destroy();
  }
}
