/*
 * yarn bench:tracking — base-image tracking, rebuild planning, the status
 * page and `GET /graph` at two scales in one run, on Debian's real
 * `docker-registry` (loopback, throwaway storage) and knex on an in-memory
 * better-sqlite3 database (a fresh one per scale):
 *   - 1,000 managed Image entities over 150 unique base references, then
 *     10,000 over 1,500, each shaped alike: one base used by 500 images, one
 *     by 50, the others shared by the rest (about 3 images each at 1k, 6 at
 *     10k). Every fifth base is an OCI index of three platforms, the rest
 *     single manifests, all pushed through the registry HTTP API. The
 *     Dockerfile analyses are stored as the graph's resolver keeps them, and
 *     every image has a last successful build, recorded through the build
 *     store an hour before the planning passes (as in a real ledger).
 *   1. tracking: BaseImageTracker.runOnce with its `bases` from
 *      ImageGraph.baseUsage(). A counting HTTP proxy in front of the registry
 *      counts every request, HEADs and GETs of manifests apart: requests per
 *      unique reference (goal 1.00 when nothing changed; a pass after a
 *      change also GETs the bases that changed). At 1k only (10k HEADs take
 *      most of a minute), a naive peer that HEADs each image's base once per
 *      image.
 *   2. planning: RebuildPlanner.runOnce with the graph from
 *      ImageGraph.getGraph(), as the plugin wires it. A pass follows the
 *      change: the images with an open plan, those whose bases changed
 *      digest, those with a run created or ended since the last pass, and
 *      their dependents. Timed: the first pass of a new planner (a restart,
 *      which plans every image); nothing changed (median of 5; goal under
 *      50 ms at 10k, near zero whatever the number of images); after the
 *      base used by 50 images changed, and after the one used by 500 (goal:
 *      in proportion to those dependents, so about the same at 1k and 10k);
 *      a restart with the 500 plans open. The 50 plans are closed by recorded
 *      rebuilds before the 500 pass; no plan is queued (the default
 *      30-minute coalescing window is still open).
 *   3. the status page and `GET /graph` (goal under 200 ms at 10k): `/graph`
 *      through graphRoutes on express with supertest (mock auth, every image
 *      readable), the status as its route computes it (source issues, then
 *      BaseImageTracker.status()); each the first answer after bases changed,
 *      then the median of 3.
 *   4. memory: the peak RSS of each scale's setup, and of its measured
 *      passes after the setup's garbage was collected (goal under 400 MB
 *      at 10k).
 * Each figure is printed at 1k and 10k with the ratio 10k/1k. Speed is only
 * printed here, never asserted in tests.
 * Needs docker-registry (Debian package `docker-registry`, which the test
 * setup installs when run as root).
 */
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ImageEntityV1alpha1,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import { accessSync, constants } from 'fs';
import knexFactory from 'knex';
import path from 'path';
import express from 'express';
import request from 'supertest';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import v8 from 'v8';
import vm from 'vm';
import { startTestRegistry } from '../plugins/image-factory-backend/src/__testUtils__/startTestRegistry';
import { BuildEvents } from '../plugins/image-factory-backend/src/builds/BuildEvents';
import { BuildService } from '../plugins/image-factory-backend/src/builds';
import { imageEntity } from '../plugins/image-factory-backend/src/builds/__testUtils__/imageEntity';
import {
  DatabaseBuildLogStore,
  DatabaseBuildStore,
  DatabaseDigestStore,
  DatabaseImageBasesStore,
  DatabaseRebuildPlanStore,
  migrateDatabase,
} from '../plugins/image-factory-backend/src/database';
import {
  ImageBasesResolver,
  ImageGraph,
  ResolvedBase,
} from '../plugins/image-factory-backend/src/graph';
import { RebuildPlanner } from '../plugins/image-factory-backend/src/planning/RebuildPlanner';
import { OciRegistryClient } from '../plugins/image-factory-backend/src/registry';
import {
  BaseImageTracker,
  DigestWatcher,
  DigestWatcherSummary,
} from '../plugins/image-factory-backend/src/tracking';
import {
  pushIndex,
  pushPlatformManifest,
  PushedManifest,
} from '../plugins/image-factory-backend/src/tracking/__testUtils__/pushImages';
import { graphRoutes } from '../plugins/image-factory-backend/src/service/graphRoutes';
import { createImageAccess } from '../plugins/image-factory-backend/src/service/imageAccess';
import { withSourceIssues } from '../plugins/image-factory-backend/src/service/withSourceIssues';
import {
  median,
  pool,
  rssSampler,
  silentLogger,
  startCountingProxy,
  time,
} from './benchUtils';

type Scale = { label: string; images: number; bases: number; naive: boolean };
const SCALES: Scale[] = [
  { label: '1k', images: 1_000, bases: 150, naive: true },
  { label: '10k', images: 10_000, bases: 1_500, naive: false },
];
/** Base 0 is used by 500 images, base 1 by 50; the rest share the others. */
const BIG = 500;
const SMALL = 50;
/** Bases changed before the last tracking pass (not 0 or 1). */
const CHANGED = 10;
const HOUR = 60 * 60 * 1000;
/** More than the watcher's default interval plus jitter: every reference is due. */
const PAST_INTERVAL = 27 * HOUR;

const PLATFORMS = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  s390x: { os: 'linux', architecture: 's390x' },
};

function requireRegistryBinary() {
  const found = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some(dir => {
      try {
        accessSync(path.join(dir, 'docker-registry'), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (!found) {
    throw new Error(
      'docker-registry is not on the PATH: the bench runs the real registry. ' +
        'Install the Debian package (apt-get install docker-registry), or run ' +
        './scripts/test once as root, which installs it.',
    );
  }
}

type Proxy = Awaited<ReturnType<typeof startCountingProxy>>;
type Sampler = ReturnType<typeof rssSampler>;

// The setup leaves much garbage behind (tens of thousands of better-sqlite3
// statements, whose native memory goes only when V8 collects them): it is
// collected before the measured passes, so that their peak is their own.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

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

type TrackingPass = {
  label: string;
  head: number;
  get: number;
  other: number;
  ms: number;
  summary: DigestWatcherSummary;
};

/** What one scale measured. */
interface Figures {
  uniqueRefs: number;
  indexes: number;
  pushMs: number;
  recordMs: number;
  tracking: TrackingPass[];
  naive?: { requests: number; ms: number };
  restartMs: number;
  quietMs: number;
  smallMs: number;
  smallPlans: number;
  bigMs: number;
  bigPlans: number;
  bigPlatforms: string[];
  fullWithPlansMs: number;
  cascadeMs: number;
  cascadeRebuilds: number;
  graphFirstMs: number;
  graphMs: number;
  graphBytes: number;
  statusFirstMs: number;
  statusMs: number;
  statusBytes: number;
  setupPeakRss: number;
  peakRss: number;
}

async function runScale(
  scale: Scale,
  registryHost: string,
  proxy: Proxy,
  sampler: Sampler,
): Promise<Figures> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  /** With BENCH_TRACE set, the memory at each phase, on stderr. */
  const phase = (label: string) => {
    if (!process.env.BENCH_TRACE) return;
    const m = process.memoryUsage();
    process.stderr.write(
      `${scale.label} ${label}: rss ${(m.rss / 1048576).toFixed(0)} MB, heap ${(
        m.heapUsed / 1048576
      ).toFixed(0)} MB, external ${(m.external / 1048576).toFixed(0)} MB\n`,
    );
  };
  try {
    await migrateDatabase({ getClient: async () => knex });
    phase('start');
    const clock = { now: new Date('2026-11-02T00:00:00Z') };
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
    const baseRef = (b: number) => `${proxy.host}/s${scale.label}/base/b${b}:1`;
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
    const [, pushMs] = await time(() => pool(bases, 8, b => pushBase(b, 'r1')));

    phase('pushed');
    // The images and their Dockerfile bases, as the graph's resolver stores them.
    const baseOf = (i: number) =>
      i < BIG
        ? 0
        : i < BIG + SMALL
        ? 1
        : 2 + ((i - BIG - SMALL) % (scale.bases - 2));
    const entities: ImageEntityV1alpha1[] = [];
    const imageBases = DatabaseImageBasesStore.create({ client: knex });
    for (let i = 0; i < scale.images; i++) {
      const b = baseOf(i);
      const platforms = isIndex(b)
        ? ['linux/amd64', 'linux/arm64']
        : ['linux/amd64'];
      const entity = imageEntity({
        name: `image-${i}`,
        registry: 'registry.example.test',
        repository: `apps/image-${i}`,
        tag: '1',
        platforms,
        source: {
          repo: `acme/image-${i}`,
          dockerfile: 'Dockerfile',
          context: '.',
        },
      });
      entities.push(entity);
      const resolved: ResolvedBase = {
        reference: baseRef(b),
        platforms,
        usages: [],
      };
      await imageBases.put({
        entityRef: stringifyEntityRef(entity),
        bases: [resolved],
        analyzedAt: clock.now,
        problems: [],
      });
    }

    phase('analyses stored');
    const digests = DatabaseDigestStore.create({ client: knex });
    const resolver = new ImageBasesResolver({
      urlReader: {} as UrlReaderService, // only what the store holds is read
      providers: [],
      store: imageBases,
      logger: silentLogger,
      clock: now,
    });
    await resolver.load();
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
    const uniqueRefs = graph.baseUsage().size;

    const tracking: TrackingPass[] = [];
    const track = async (label: string) => {
      advance(PAST_INTERVAL);
      proxy.take();
      const [summary, ms] = await time(() => tracker.runOnce());
      if (summary.errors.length > 0) {
        throw new Error(
          `tracking errors: ${summary.errors
            .map(e => `${e.reference}: ${e.message}`)
            .join('; ')}`,
        );
      }
      tracking.push({ label, ...proxy.take(), ms, summary });
    };

    // 1. Tracking: first pass, then one with nothing changed.
    await track('first pass (every digest new)');
    await track('nothing changed');

    phase('tracked');
    // Peer: one HEAD per image, however many images share a base.
    let naive: Figures['naive'];
    if (scale.naive) {
      proxy.take();
      const [, naiveMs] = await time(async () => {
        for (let i = 0; i < scale.images; i++) {
          await client.headManifest(parseImageRef(baseRef(baseOf(i))));
        }
      });
      const counted = proxy.take();
      naive = {
        requests: counted.head + counted.get + counted.other,
        ms: naiveMs,
      };
    }

    phase('naive');
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
    const [, recordMs] = await time(async () => {
      for (let i = 0; i < scale.images; i++) await recordBuild(i);
    });
    phase('builds recorded');
    // The builds are in the ledger from before: the planner starts an hour later.
    advance(HOUR);
    collectGarbage();
    const setupPeakRss = sampler.take();

    const plans = DatabaseRebuildPlanStore.create({ client: knex });
    const service = new BuildService({
      store: builds,
      logs: DatabaseBuildLogStore.create({ client: knex }),
      events: new BuildEvents(),
      images: () => entities,
      clock: now,
    });
    const newPlanner = () =>
      new RebuildPlanner({
        images: () => entities,
        graph: () => graph.getGraph(),
        digests,
        builds,
        plans,
        queue: { start: r => service.start(r) },
        logger: silentLogger,
        maxWaitMs: 24 * HOUR,
        maxDepth: 10,
        clock: now,
        // The bench's clock jumps a day for each tracking pass (to make
        // every reference due): with the hourly default every pass after one
        // would be the full pass, which the restarts measure apart.
        fullPassIntervalMs: 30 * 24 * HOUR,
      });
    let planner = newPlanner();
    const plan = () => time(() => planner.runOnce());

    // 2. Planning. A new planner's first pass plans every image.
    const [, restartMs] = await plan();
    phase('first planning pass');
    const quiet: number[] = [];
    for (let n = 0; n < 5; n++) {
      advance(60_000);
      const [open, ms] = await plan();
      if (open.length !== 0) throw new Error(`${open.length} plans, not 0`);
      quiet.push(ms);
    }

    phase('quiet passes');
    await pushBase(1, 'r2');
    await track(`base used by ${SMALL} images changed`);
    const [smallPlans, smallMs] = await plan();

    // Those images are rebuilt; the next pass closes their plans.
    for (let i = BIG; i < BIG + SMALL; i++) await recordBuild(i);
    advance(HOUR);
    const [closed] = await plan();
    if (closed.length !== 0) throw new Error(`${closed.length} plans left`);

    await pushBase(0, 'r2');
    await track(`base used by ${BIG} images changed`);
    const [bigPlans, bigMs] = await plan();
    const bigPlatforms = [...new Set(bigPlans.flatMap(p => p.platforms))];

    phase('500 pass');
    // A restart with those plans open: a full pass again.
    planner = newPlanner();
    advance(60_000);
    const [, fullWithPlansMs] = await plan();

    const snapshot = await graph.getGraph();
    const [cascade, cascadeMs] = await time(async () =>
      snapshot.graph.predictCascade(baseRef(0)),
    );

    phase('restart pass');
    // The last tracking pass: N more bases changed.
    const changed = bases.slice(2, 2 + CHANGED);
    await pool(changed, 8, b => pushBase(b, 'r2'));
    await track(`${CHANGED} other bases changed`);

    phase('last tracking');
    // 3. The status page and GET /graph, first after that change, then again.
    const app = express();
    app.use(
      graphRoutes({
        httpAuth,
        access: createImageAccess({ permissions }),
        graph,
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
      imageCount: entities.length,
      issues: [],
    };
    const status = async () =>
      JSON.stringify({
        imagesFile: withSourceIssues(
          imagesStatus,
          entities,
          await graph.sourceProblems(),
        ),
        tracking: { references: await tracker.status() },
      }).length;
    const [graphBytes, graphFirstMs] = await time(getGraph);
    const [statusBytes, statusFirstMs] = await time(status);
    const graphTimes: number[] = [];
    const statusTimes: number[] = [];
    for (let n = 0; n < 3; n++) {
      graphTimes.push((await time(getGraph))[1]);
      statusTimes.push((await time(status))[1]);
    }

    phase('status and graph');
    return {
      uniqueRefs,
      indexes: bases.filter(isIndex).length,
      pushMs,
      recordMs,
      tracking,
      naive,
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
      setupPeakRss,
      peakRss: sampler.take(),
    };
  } finally {
    await knex.destroy();
  }
}

async function main() {
  requireRegistryBinary();
  const baselineRss = process.memoryUsage().rss;
  const sampler = rssSampler();
  const registry = await startTestRegistry();
  const proxy = await startCountingProxy(registry.host);
  try {
    const figures: Figures[] = [];
    sampler.take();
    for (const scale of SCALES) {
      figures.push(await runScale(scale, registry.host, proxy, sampler));
      collectGarbage();
    }
    sampler.stop();
    const memory = process.memoryUsage();
    const [small, large] = figures;

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const rows: Array<[string, string, string, string]> = [];
    const row = (
      label: string,
      a: string,
      b: string,
      r: number | string = '',
    ) => rows.push([label, a, b, typeof r === 'number' ? ratio(r, 1) : r]);
    const timed = (label: string, pick: (f: Figures) => number) =>
      row(label, ms(pick(small)), ms(pick(large)), pick(large) / pick(small));
    row('', SCALES[0].label, SCALES[1].label, '10k/1k');
    for (const [i, f] of figures.entries()) {
      process.stdout.write(
        `setup ${SCALES[i].label}: ${SCALES[i].images} images over ${
          f.uniqueRefs
        } unique base references (${
          f.indexes
        } OCI indexes of 3 platforms), pushed in ${(f.pushMs / 1000).toFixed(
          1,
        )} s, builds recorded in ${(f.recordMs / 1000).toFixed(1)} s\n`,
      );
    }
    row('tracking: requests per unique reference, time', '', '');
    for (const [n, p] of small.tracking.entries()) {
      const q = large.tracking[n];
      const per = (t: TrackingPass, refs: number) =>
        `${ratio(t.head + t.get + t.other, refs)} ${ms(t.ms)}`;
      row(
        `  ${p.label}`,
        per(p, small.uniqueRefs),
        per(q, large.uniqueRefs),
        q.ms / p.ms,
      );
    }
    if (small.naive) {
      row(
        '  peer (1k only): naive check, one HEAD per image',
        `${ratio(small.naive.requests, small.uniqueRefs)} ${ms(
          small.naive.ms,
        )}`,
        '',
      );
    }
    row('planning: one RebuildPlanner.runOnce', '', '');
    timed('  first pass of a new planner (every image)', f => f.restartMs);
    timed('  nothing changed (median of 5)', f => f.quietMs);
    timed(`  base used by ${SMALL} images changed`, f => f.smallMs);
    timed(`  base used by ${BIG} images changed`, f => f.bigMs);
    timed(
      `  restart with the ${BIG} plans open (every image)`,
      f => f.fullWithPlansMs,
    );
    row(
      '  plans made (50 / 500 pass)',
      `${small.smallPlans} / ${small.bigPlans}`,
      `${large.smallPlans} / ${large.bigPlans}`,
    );
    row(
      `  ${BIG} pass / ${SMALL} pass`,
      ratio(small.bigMs, small.smallMs),
      ratio(large.bigMs, large.smallMs),
    );
    row(
      `  marginal time per planned image (${BIG} pass minus nothing changed)`,
      ms((small.bigMs - small.quietMs) / small.bigPlans),
      ms((large.bigMs - large.quietMs) / large.bigPlans),
    );
    timed('  DependencyGraph.predictCascade of that base', f => f.cascadeMs);
    row('status page and GET /graph', '', '');
    timed('  GET /graph, first after a base changed', f => f.graphFirstMs);
    timed('  GET /graph, again (median of 3)', f => f.graphMs);
    timed('  status, first after a base changed', f => f.statusFirstMs);
    timed('  status, again (median of 3)', f => f.statusMs);
    row(
      '  answer sizes (/graph, status)',
      `${mb(small.graphBytes)}, ${mb(small.statusBytes)}`,
      `${mb(large.graphBytes)}, ${mb(large.statusBytes)}`,
    );
    row('memory', '', '');
    row(
      '  peak RSS of the setup (push, analyses, ledger of every build)',
      mb(small.setupPeakRss),
      mb(large.setupPeakRss),
      large.setupPeakRss / small.setupPeakRss,
    );
    row(
      '  peak RSS of the measured passes (planning, tracking, status, /graph)',
      mb(small.peakRss),
      mb(large.peakRss),
      large.peakRss / small.peakRss,
    );
    row('  RSS after loading the modules', mb(baselineRss), '');
    row('  RSS at the end, heap used', mb(memory.rss), mb(memory.heapUsed));

    const widths = [0, 1, 2, 3].map(c =>
      Math.max(...rows.map(r => r[c].length)),
    );
    process.stdout.write(
      `bench:tracking — docker-registry ${
        registry.host
      } behind a counting proxy ${proxy.host}; ${
        small.bigPlatforms.join(', ') || 'no'
      } platforms rebuilt by the ${BIG} pass\n`,
    );
    for (const r of rows) {
      const cells = r.slice(1).some(Boolean)
        ? `${r[0].padEnd(widths[0])}  ${r[1].padStart(
            widths[1],
          )}  ${r[2].padStart(widths[2])}  ${r[3].padStart(widths[3])}`
        : r[0];
      process.stdout.write(`${cells}\n`);
    }
  } finally {
    sampler.stop();
    await proxy.stop();
    await registry.stop();
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
