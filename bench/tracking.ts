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
 *   - Each scale runs in two child processes (bench/tracking/child.ts,
 *     bench/tracking/scale.ts): the setup (pushes, analyses, the first two
 *     tracking passes, the naive peer, the ledger) fills the database and
 *     writes it to a file; the measured passes run in a fresh process that
 *     deserializes that file into memory, as a backend serving those images
 *     restarts on its database. The counting proxy stays in this process and
 *     the children take its counts over IPC.
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
 *   4. memory: the peak RSS (the kernel's high-water mark, maxRSS) of each
 *      scale's setup process and of its passes process (goal under 400 MB at
 *      10k: a factory serving 10,000 images), the passes process's RSS once
 *      the database is open, its V8 heap live after the passes (a full GC
 *      once the peak is read) with the heap's limit, and the database's
 *      size. The passes run twice per scale: with Node's default heap (from
 *      this machine's 24 GiB: a 4 GB limit and 64 MB semi-spaces, which
 *      garbage may fill before V8 collects it) and as in a container: in a
 *      memory cgroup of 512 MB, from which Node sizes its heap (259 MB), as
 *      it does under a container's limit (where the bench may not make a
 *      cgroup, not root, with --max-old-space-size=256
 *      --max-semi-space-size=8 instead): its peak and its timings beside the
 *      default's say what the passes need.
 *      Why two processes for setup and passes: better-sqlite3 frees a
 *      prepared statement (knex prepares one per query) only once V8 has
 *      collected its wrapper *and* the event loop has turned (Node-API runs
 *      those finalizers from the loop; a forced GC alone frees nothing), and
 *      glibc keeps what was freed (reused, not returned). A loop of awaited
 *      queries that never yields keeps every statement: recording 10,000
 *      builds so (about 40,000 queries) took the old single-process run to
 *      1.6 GB, none of it the passes'. The setup yields every 100 images, as
 *      a backend does between requests. What fills the old space between
 *      full collections (bench/tracking/oldSpaceGarbage.ts): each registry
 *      request through the factory's client on Node's fetch (undici) leaves
 *      16-26 KB that survives the young generation's collections (node:http
 *      0.5 KB), and each knex transaction about 15 KB (two plain statements
 *      1 KB), so a tracking pass over 1,500 references adds 25-40 MB from
 *      its HEADs alone.
 * BENCH_TRACE=1 prints each process's memory at each phase on stderr
 * (BENCH_TRACE=gc: after a full collection, i.e. the live heap, which moves
 * the peak); BENCH_HEAP_PROFILE=<dir> writes a sampling heap profile of
 * each phase's allocations, collected ones included (open in DevTools).
 * Each figure is printed at 1k and 10k with the ratio 10k/1k. Speed is only
 * printed here, never asserted in tests.
 * Needs docker-registry (Debian package `docker-registry`, which the test
 * setup installs when run as root).
 */
import { fork } from 'child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { startTestRegistry } from '../plugins/image-factory-backend/src/__testUtils__/startTestRegistry';
import { startCountingProxy } from './benchUtils';
import { MemoryCgroup, memoryCgroup } from './tracking/memoryCgroup';
import type { ChildMessage, ChildRequest } from './tracking/child';
import {
  BIG,
  PassFigures,
  SCALES,
  SetupFigures,
  SMALL,
  TrackingPass,
} from './tracking/types';

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

/** What one scale measured: its setup's figures and its passes'. */
type Figures = Omit<SetupFigures, 'peakRss'> &
  Omit<PassFigures, 'peakRss'> & {
    setupPeakRss: number;
    peakRss: number;
    /** The same passes in a process whose heap is sized as in a container. */
    contained: PassFigures;
  };

/**
 * V8 sizes its heap from the machine's memory (here 24 GiB: a 4 GB limit,
 * 64 MB semi-spaces) and lets garbage grow it to several times what is
 * live before a full collection. In a container Node sizes its heap from
 * the container's memory limit (half of it: 259 MB for 512 MB), so the
 * passes run once more in a memory cgroup of CONTAINER_MEMORY, the kernel's
 * own limit; where the bench may not make one (not root), in a heap sized
 * with the flags below instead.
 */
const CONTAINER_MEMORY = 512 * 1048576;
const CONTAINED_HEAP = ['--max-old-space-size=256', '--max-semi-space-size=8'];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** How the contained passes are held: a cgroup, or heap flags. */
type Containment = { cgroup: MemoryCgroup } | { execArgv: string[] };

const describeContainment = (containment: Containment) =>
  'cgroup' in containment
    ? `in a ${mb(
        containment.cgroup.limitBytes,
      )} memory cgroup as in a container (Node sizes its heap to it)`
    : `heap sized as in a container (${containment.execArgv.join(' ')})`;

/**
 * Runs `request` in a child process (bench/tracking/child.ts) and returns
 * what it sent back; the child takes the proxy's counts through IPC.
 */
function runChild<T>(
  request: ChildRequest,
  proxy: Proxy,
  containment?: Containment,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cgroup =
      containment && 'cgroup' in containment ? containment.cgroup : undefined;
    // The parent's execArgv carries the TypeScript transform. A child held
    // in a cgroup joins it before Node starts, so Node sizes its heap to it.
    const execArgv = [
      ...process.execArgv,
      ...(containment && 'execArgv' in containment ? containment.execArgv : []),
    ];
    const child = fork(path.join(__dirname, 'tracking', 'child.ts'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(cgroup
        ? {
            execPath: '/bin/sh',
            execArgv: [
              '-c',
              'echo $$ > "$BENCH_CGROUP_PROCS" && exec "$0" "$@"',
              process.execPath,
              ...execArgv,
            ],
            env: { ...process.env, BENCH_CGROUP_PROCS: cgroup.procs },
          }
        : { execArgv }),
    });
    let result: { value: T } | undefined;
    let failure: string | undefined;
    child.on('message', (message: ChildMessage) => {
      if ('benchTrackingTake' in message) {
        child.send({ counts: proxy.take() });
      } else if ('benchTrackingResult' in message) {
        result = { value: message.benchTrackingResult as T };
      } else if ('benchTrackingError' in message) {
        failure = message.benchTrackingError;
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolve(result.value);
      else
        reject(
          new Error(
            `${request.role} of ${request.scale.label} ${
              signal ? `was killed (${signal})` : `exited with ${code}`
            }${
              cgroup && signal === 'SIGKILL'
                ? `, out of memory in its ${mb(cgroup.limitBytes)} cgroup`
                : ''
            }${failure ? `: ${failure}` : ''}`,
          ),
        );
    });
    child.send({ start: request });
  });
}

/** A scale: its setup in one process, its measured passes in a fresh one. */
async function runScale(
  scale: (typeof SCALES)[number],
  registryHost: string,
  proxy: Proxy,
  dir: string,
  containment: Containment,
): Promise<Figures> {
  const base = {
    scale,
    registryHost,
    proxyHost: proxy.host,
    file: path.join(dir, `${scale.label}.sqlite`),
  };
  const setup = await runChild<SetupFigures>({ ...base, role: 'setup' }, proxy);
  const passes = await runChild<PassFigures>(
    { ...base, role: 'passes', setup },
    proxy,
  );
  // The passes leave the registry as the setup did: the same again.
  const contained = await runChild<PassFigures>(
    { ...base, role: 'passes', setup },
    proxy,
    containment,
  );
  return {
    ...setup,
    ...passes,
    tracking: [...setup.tracking, ...passes.tracking],
    setupPeakRss: setup.peakRss,
    peakRss: passes.peakRss,
    contained,
  };
}

async function main() {
  requireRegistryBinary();
  const registry = await startTestRegistry();
  const proxy = await startCountingProxy(registry.host);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-tracking-'));
  const cgroup = memoryCgroup('bench-tracking', CONTAINER_MEMORY);
  const containment: Containment = cgroup
    ? { cgroup }
    : { execArgv: CONTAINED_HEAP };
  try {
    const figures: Figures[] = [];
    for (const scale of SCALES) {
      figures.push(
        await runScale(scale, registry.host, proxy, dir, containment),
      );
    }
    const parentRss = process.resourceUsage().maxRSS * 1024;
    const [small, large] = figures;

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
    row('memory: peak RSS, the kernel high-water mark of each process', '', '');
    row(
      '  setup process (push, analyses, tracking, ledger of every build)',
      mb(small.setupPeakRss),
      mb(large.setupPeakRss),
      large.setupPeakRss / small.setupPeakRss,
    );
    row(
      '  passes process: RSS once the database is open, before any pass',
      mb(small.loadedRss),
      mb(large.loadedRss),
      large.loadedRss / small.loadedRss,
    );
    row(
      '  passes process: peak (planning, tracking, status, /graph)',
      mb(small.peakRss),
      mb(large.peakRss),
      large.peakRss / small.peakRss,
    );
    row(
      '  passes process: V8 heap live after the passes (full GC), its limit',
      `${mb(small.liveHeap)}, ${mb(small.heapLimit)}`,
      `${mb(large.liveHeap)}, ${mb(large.heapLimit)}`,
    );
    row(
      `  the same passes ${describeContainment(containment)}: peak`,
      mb(small.contained.peakRss),
      mb(large.contained.peakRss),
      large.contained.peakRss / small.contained.peakRss,
    );
    row(
      '    their V8 heap limit',
      mb(small.contained.heapLimit),
      mb(large.contained.heapLimit),
    );
    const contained = (label: string, pick: (f: PassFigures) => number) =>
      row(
        `    ${label}: default heap, contained`,
        `${ms(pick(small))}, ${ms(pick(small.contained))}`,
        `${ms(pick(large))}, ${ms(pick(large.contained))}`,
      );
    contained('nothing changed', f => f.quietMs);
    contained(`base used by ${BIG} images changed`, f => f.bigMs);
    contained('first pass of a new planner', f => f.restartMs);
    contained('GET /graph, again', f => f.graphMs);
    contained('status, again', f => f.statusMs);
    row(
      '  the database (SQLite, in memory in both processes)',
      mb(small.databaseBytes),
      mb(large.databaseBytes),
      large.databaseBytes / small.databaseBytes,
    );
    row('  parent process (registry proxy)', mb(parentRss), '');

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
    rmSync(dir, { recursive: true, force: true });
    cgroup?.remove();
    await proxy.stop();
    await registry.stop();
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
