/**
 * The inputs of one simulated scenario. Each default says where it comes
 * from: `measured` (a README or benchmark of this repository), `code` (a
 * default or constant of the engine), `docs` (a vendor's documentation) or
 * `assumed` (no measurement exists; docs/scale-out.md says why the value).
 */

/** One registry host that base references live on. */
export interface RegistryParams {
  host: string;
  /** Share of the base references on this host. assumed */
  share: number;
  /** Token bucket for digest checks; none: unlimited. code: docker.io 16/h, burst 16 */
  budget?: { requestsPerHour: number; burst: number };
  /** Time between two checks of one reference. code: tracking.interval 24 h */
  intervalHours: number;
  /** The registry sends Distribution notifications to the factory (a push is checked at once). */
  notifications: boolean;
}

/**
 * Which engine the scenario runs: `current` is the engine as built now;
 * `before-fixes` is the engine at eff59c0, when the simulation found the
 * problems that 1a218cf (placement), 4cacbf2 (listDue's order), 2dddaa2
 * (emergencies) and 372fd76 (the planner follows the change) fixed.
 */
export type Engine = 'current' | 'before-fixes';

/**
 * Where a platform build goes when several executors can take it, and what
 * holds it to the host's `concurrency`. For the engine before the fixes,
 * `as-built` is its own placement with a semaphore per replica.
 */
export type PlacementPolicy =
  /**
   * The current engine (c672062): placePlatforms when the run is placed
   * (native first, then the least loaded per slot counting what every
   * replica builds now, BuildStore.busyExecutors, read at placement; then
   * this run's own; then config order), and shared slots: the build waits
   * its turn in its own backend (a semaphore of `concurrency` per executor,
   * ClusterSlots' local one), then holds one of the executor's `concurrency`
   * rows of `executor_slots` under a lease; when other replicas hold them all
   * it asks again every second (DatabaseExecutorSlotStore).
   */
  | 'as-built'
  /**
   * Before c672062: the same placement, and one semaphore of `concurrency`
   * per executor in each replica (ExecutorPool) and nothing else, so replicas
   * together may run more than `concurrency` builds on a host.
   */
  | 'replica-slots'
  /**
   * Proposed by the first version of docs/scale-out.md, not built: slots
   * shared by the cluster, and the host chosen (the least loaded) when a
   * platform is about to build rather than when the run is placed.
   */
  | 'late-placement';

/** Shared executor slots (c672062, DatabaseExecutorSlotStore and ClusterSlots). code */
export const SLOT_LEASE_SECONDS = 60;
export const SLOT_RENEW_SECONDS = SLOT_LEASE_SECONDS / 3;
export const SLOT_POLL_SECONDS = 1;

export interface ScenarioParams {
  name: string;
  seed: number;
  engine: Engine;
  /** Simulated days of base updates; the queue then drains (at most `drainDays`). */
  days: number;
  drainDays: number;

  // The organisation (assumed shape, see docs/scale-out.md).
  images: number;
  /** Unique external base references. */
  bases: number;
  /** Zipf exponent of base usage: a few bases used by many images, a long tail. */
  zipfExponent: number;
  /** Share of images that are factory-built bases (golden images) others build FROM. */
  internalBaseShare: number;
  /** Share of the other images built FROM a golden image instead of an external base. */
  fromInternalShare: number;
  /** Share of images with a second external base (a builder stage). */
  builderStageShare: number;
  registries: RegistryParams[];

  // Base updates: Poisson, per base, per day, by popularity rank. assumed
  updatesPerDay: { top: number; mid: number; tail: number };
  topBases: number;
  midBases: number;

  // Tracking and planning (code defaults).
  trackingEverySeconds: number;
  plannerEverySeconds: number;
  jitter: number;
  /** images.yaml rebuild.delay for every image. assumed (code default 0s) */
  delayHours: number;
  coalesceMinutes: number;
  maxWaitMinutes: number;

  // Queue and executors.
  replicas: number;
  /** imageFactory.builds.worker.concurrentRuns per replica. code default 2 */
  concurrentRuns: number;
  /** imageFactory.builds.parallelPlatforms. code default 2 */
  parallelPlatforms: number;
  pollIntervalSeconds: number;
  leaseDurationSeconds: number;
  hosts: number;
  /** Of `hosts`, native arm64 ones; the rest are amd64 and emulate arm64 and s390x. */
  arm64Hosts: number;
  /** Builds at once per executor host. code: local-docker concurrency 2 */
  hostConcurrency: number;
  placement: PlacementPolicy;
  /**
   * Time from a placement's read of the busy executors to the moment its
   * platforms are counted in the database (the read, the placement log line,
   * then the platform's upsert when it starts). Placements within it do not
   * see each other. assumed: a few statement round trips and event-loop turns
   */
  placementRaceMs: number;
  /**
   * Registry budgets: one bucket per host for the cluster, in the database
   * (code since cf59f9d), or one in each replica's memory (before cf59f9d).
   */
  budgetScope: 'cluster' | 'replica';

  // Build costs.
  /** Median native build of one platform, minutes (log-normal per image). assumed */
  buildMedianMinutes: number;
  buildSigma: number;
  /** Emulated (QEMU) build time over native. measured: 4 to 5.5 on this machine */
  qemuFactor: number;
  /** Push of one platform, seconds. assumed (measured 0.2-0.3 s for 8 MiB on loopback) */
  pushSeconds: number;
  /** Source fetch of a run, seconds. assumed (measured 0.9 s for 24 MiB on loopback) */
  sourceSeconds: number;
  /**
   * Each fetch takes `sourceSeconds` × uniform(1 − j, 1 + j): repositories
   * differ, so runs claimed in one poll are placed at different moments.
   * assumed; 0 gives the fixed fetch of eff59c0's model (its figures exactly).
   */
  sourceJitter: number;

  // The emergency: a critical CVE fixed in the most used Docker Hub base.
  emergencyDay: number;
  /** Whether someone asks for emergency rebuilds (else the fix takes the normal path). */
  emergency: boolean;
  /** Time from the fix's publication to the emergency requests. assumed */
  emergencyReactionMinutes: number;

  // Database cost model (see dbLoad.ts).
  /** Portal users with a builds page or a log open at any time. assumed */
  viewers: number;
  /** Log lines per platform build, and lines per insert (BuildLog flushes every 200 ms or 200 lines). assumed */
  logLinesPerPlatform: number;
  linesPerFlush: number;
  /** Round trip of one statement to Postgres on the LAN, ms. assumed */
  queryMs: number;
  /**
   * What a planning pass costs on this machine beyond its statements' round
   * trips, at 10,000 images. measured: `yarn bench:tracking` (SQLite) at
   * 6a0bffa: a pass with nothing changed 12.9 ms, 0.3 ms per planned image,
   * a full pass 844 ms. Scaled linearly with the number of images.
   */
  plannerLocalMs: { pass: number; perPlanned: number; full: number };
  /** A pass plans every image at least this often. code: DEFAULT_FULL_PASS_INTERVAL_MS */
  fullPassMinutes: number;
}

export const DOCKER_HUB = 'docker.io';

/** The issue's organisation: 10,000 images, 1,500 base references, 100 build hosts, 5 replicas. */
export const ISSUE_SCENARIO: ScenarioParams = {
  name: 'issue',
  seed: 17,
  engine: 'current',
  days: 7,
  drainDays: 3,
  images: 10_000,
  bases: 1_500,
  zipfExponent: 1,
  internalBaseShare: 0.05,
  fromInternalShare: 0.3,
  builderStageShare: 0.3,
  registries: [
    {
      host: DOCKER_HUB,
      share: 0.6,
      budget: { requestsPerHour: 16, burst: 16 },
      intervalHours: 24,
      notifications: false,
    },
    { host: 'ghcr.io', share: 0.15, intervalHours: 24, notifications: false },
    { host: 'quay.io', share: 0.05, intervalHours: 24, notifications: false },
    {
      host: 'registry.internal',
      share: 0.2,
      intervalHours: 24,
      notifications: true,
    },
  ],
  updatesPerDay: { top: 1 / 7, mid: 1 / 14, tail: 1 / 30 },
  topBases: 20,
  midBases: 200,
  trackingEverySeconds: 60,
  plannerEverySeconds: 30,
  jitter: 0.1,
  delayHours: 2,
  coalesceMinutes: 30,
  maxWaitMinutes: 30,
  replicas: 5,
  concurrentRuns: 2,
  parallelPlatforms: 2,
  pollIntervalSeconds: 2,
  leaseDurationSeconds: 60,
  hosts: 100,
  arm64Hosts: 20,
  hostConcurrency: 2,
  placement: 'as-built',
  placementRaceMs: 5,
  budgetScope: 'cluster',
  buildMedianMinutes: 4,
  buildSigma: 0.7,
  qemuFactor: 5,
  pushSeconds: 15,
  sourceSeconds: 10,
  sourceJitter: 0.5,
  emergencyDay: 5,
  emergency: false,
  emergencyReactionMinutes: 0,
  viewers: 30,
  logLinesPerPlatform: 400,
  linesPerFlush: 4,
  queryMs: 0.3,
  plannerLocalMs: { pass: 12.9, perPlanned: 0.3, full: 844 },
  fullPassMinutes: 60,
};

/** This machine: one backend, one Docker engine (amd64, QEMU for the rest), 2 cores. */
export const MACHINE_SCENARIO: ScenarioParams = {
  ...ISSUE_SCENARIO,
  name: 'machine',
  images: 100,
  bases: 15,
  replicas: 1,
  hosts: 1,
  arm64Hosts: 0,
  viewers: 1,
};
