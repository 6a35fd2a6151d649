import { CATEGORIES, Category } from './dbLoad';
import { DOCKER_HUB } from './params';
import { quantile } from './random';
import { SimulationResult } from './simulate';

const HOUR = 3600;

/** The most events in any window of `seconds` (times in any order). */
export function maxInWindow(times: number[], seconds: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= seconds) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export interface RegistrySummary {
  host: string;
  refs: number;
  /** References never checked in the whole simulation. */
  neverChecked: number;
  intervalHours: number;
  budget: string;
  neededPerHour: number;
  headsPerHour: number;
  headsPeakHour: number;
  getsPerHour: number;
  checkGapP50: number;
  checkGapP95: number;
  detectP50: number;
  detectP95: number;
}

export interface Summary {
  name: string;
  engine: string;
  placement: string;
  registries: RegistrySummary[];
  hubPulls6h: {
    tracking: number;
    busiestHost: number;
    oneNatAddress: number;
    mirror: number;
  };
  queue: {
    runs: number;
    emergencyRuns: number;
    buildsPerHour: number;
    buildsPeakHour: number;
    waitP50: number;
    waitP95: number;
    waitMax: number;
    executorWaitP50: number;
    executorWaitP95: number;
    runP50: number;
    runP95: number;
  };
  hosts: {
    meanUtil: number;
    busiestUtil: number;
    used: number;
    total: number;
    maxOnOne: number;
    /** Builds that started on a host already at its concurrency, of all builds. */
    overStarts: number;
    builds: number;
    /** … of those, placed on a host the placement read as full. */
    overOnFull: number;
    /** Build time beyond the hosts' concurrency, share of all build time. */
    overShare: number;
    /** Shared slots: builds that found every slot row of their host held by other replicas, and their wait (min). */
    slotWaits: number;
    slotWaitP50: number;
    slotWaitP95: number;
    slotWaitMax: number;
  };
  db: {
    perCategory: Array<{ category: Category; perSecond: number }>;
    perReplicaMean: number;
    busiestMinute: number;
    plannerPassSeconds: number;
    plannerPasses: number;
    plannerFullPasses: number;
    plannerIdlePasses: number;
    plannerMaxStatements: number;
    /** Shared slots: tries that found every row held, and the busiest minute of them (cluster, per second). */
    slotPolls: number;
    slotPollsPeak: number;
  };
  rebuilds: {
    updates: number;
    perDependentP50: number;
    perDependentP95: number;
    allDoneP50: number;
    allDoneP95: number;
    stages: Array<{ stage: string; p50: number; p95: number }>;
  };
  emergency: {
    dependents: number;
    rebuilt: number;
    p50: number;
    p95: number;
    max: number;
    joinedQueued: number;
    joinedRunning: number;
    /** Emergencies queued again because the run they joined started before them. */
    requeued: number;
    /** Emergency plans closed by a run that started before the request. */
    satisfiedEarly: number;
  };
  openUpdates: number;
  events: number;
}

/** The figures the tables print, in hours, minutes or per second as named. */
export function summarize(result: SimulationResult): Summary {
  const { params, org, tracking, coverage, runs, executors, db } = result;
  const updateSeconds = params.days * 86_400;
  const hosts = [...tracking.hosts.values()];
  const registries = hosts.map(h => {
    const bases = org.bases
      .filter(b => b.host === h.params.host)
      .map(b => b.id);
    const detect = coverage.updates
      .filter(
        u => !u.emergency && bases.includes(u.base) && u.seenAt !== undefined,
      )
      .map(u => (u.seenAt! - u.publishedAt) / HOUR);
    const perHour = new Map<number, number>();
    for (const t of h.heads)
      perHour.set(
        Math.floor(t / HOUR),
        (perHour.get(Math.floor(t / HOUR)) ?? 0) + 1,
      );
    return {
      host: h.params.host,
      refs: bases.length,
      neverChecked: bases.length - h.checked.size,
      intervalHours: h.params.intervalHours,
      budget: h.bucket
        ? `${h.bucket.requestsPerHour}/h, burst ${h.bucket.burst}${
            h.buckets.length > 1 ? `, × ${h.buckets.length} replicas` : ''
          }`
        : 'none',
      neededPerHour: bases.length / h.params.intervalHours,
      headsPerHour: (h.heads.length / result.seconds) * HOUR,
      headsPeakHour: Math.max(0, ...perHour.values()),
      getsPerHour: (h.gets.length / result.seconds) * HOUR,
      checkGapP50: quantile(h.checkGaps, 0.5) / HOUR,
      checkGapP95: quantile(h.checkGaps, 0.95) / HOUR,
      detectP50: quantile(detect, 0.5),
      detectP95: quantile(detect, 0.95),
    };
  });
  const hub = tracking.hosts.get(DOCKER_HUB);
  const six = 6 * HOUR;
  const finished = runs.filter(r => r.finishedAt !== undefined);
  const perHour = new Map<number, number>();
  for (const r of finished) {
    if (r.finishedAt! >= updateSeconds) continue;
    const hour = Math.floor(r.finishedAt! / HOUR);
    perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
  }
  const minutes = (xs: number[], q: number) => quantile(xs, q) / 60;
  const waits = finished.map(r => r.claimedAt! - r.createdAt);
  const executorWaits = finished.map(
    r => r.firstBuildAt! - r.claimedAt! - r.sourceSeconds!,
  );
  const durations = finished.map(r => r.finishedAt! - r.claimedAt!);
  const util = executors.busySeconds.map(
    b => b / (org.concurrency * result.seconds),
  );
  const served = coverage.served.filter(
    s => !s.update.emergency && s.update.publishedAt < updateSeconds,
  );
  const done = coverage.updates.filter(
    u => !u.emergency && u.allDoneAt !== undefined && u.dependents > 0,
  );
  const hours = (xs: number[], q: number) => quantile(xs, q) / HOUR;
  const cve = coverage.served.filter(s => s.update.emergency).map(s => s.total);
  const replicaMeans = db.meanPerSecond(result.seconds);
  return {
    name: params.name,
    engine: params.engine,
    placement: params.placement,
    registries,
    hubPulls6h: {
      tracking: hub ? maxInWindow(hub.gets, six) : 0,
      busiestHost: Math.max(
        0,
        ...result.hubPullsByHost.map(t => maxInWindow(t, six)),
      ),
      oneNatAddress: maxInWindow(result.hubPullsByHost.flat(), six),
      mirror: maxInWindow(result.hubPullsMirror, six),
    },
    queue: {
      runs: runs.length,
      emergencyRuns: runs.filter(r => r.cause === 'emergency').length,
      buildsPerHour:
        (finished.filter(r => r.finishedAt! < updateSeconds).length /
          updateSeconds) *
        HOUR,
      buildsPeakHour: Math.max(0, ...perHour.values()),
      waitP50: minutes(waits, 0.5),
      waitP95: minutes(waits, 0.95),
      waitMax: minutes(waits, 1),
      executorWaitP50: minutes(executorWaits, 0.5),
      executorWaitP95: minutes(executorWaits, 0.95),
      runP50: minutes(durations, 0.5),
      runP95: minutes(durations, 0.95),
    },
    hosts: {
      meanUtil: util.reduce((a, b) => a + b, 0) / util.length,
      busiestUtil: Math.max(...util),
      used: executors.builds.filter(b => b > 0).length,
      total: util.length,
      maxOnOne: Math.max(...executors.maxRunning),
      overStarts: executors.overStarts,
      builds: executors.builds.reduce((a, b) => a + b, 0),
      overOnFull: executors.overOnFull,
      overShare:
        executors.buildSeconds > 0
          ? executors.overSeconds / executors.buildSeconds
          : 0,
      slotWaits: executors.slotWaits.length,
      slotWaitP50: minutes(executors.slotWaits, 0.5),
      slotWaitP95: minutes(executors.slotWaits, 0.95),
      slotWaitMax: minutes(executors.slotWaits, 1),
    },
    db: {
      perCategory: CATEGORIES.map(category => ({
        category,
        perSecond: (db.totals.get(category) ?? 0) / result.seconds,
      })),
      perReplicaMean: Math.max(...replicaMeans),
      busiestMinute: db.peakPerSecond(),
      plannerPassSeconds: result.plannerPassSeconds,
      plannerPasses: result.plannerPasses,
      plannerFullPasses: result.plannerFullPasses,
      plannerIdlePasses: result.plannerIdlePasses,
      plannerMaxStatements: result.plannerMaxStatements,
      slotPolls: executors.slotPolls,
      slotPollsPeak: db.peakOf('executor slot polls (waiting)'),
    },
    rebuilds: {
      updates: done.length,
      perDependentP50: hours(
        served.map(s => s.total),
        0.5,
      ),
      perDependentP95: hours(
        served.map(s => s.total),
        0.95,
      ),
      allDoneP50: hours(
        done.map(u => u.allDoneAt! - u.publishedAt),
        0.5,
      ),
      allDoneP95: hours(
        done.map(u => u.allDoneAt! - u.publishedAt),
        0.95,
      ),
      stages: (['detect', 'plan', 'queue', 'build'] as const).map(stage => ({
        stage,
        p50: hours(
          served.map(s => s[stage]),
          0.5,
        ),
        p95: hours(
          served.map(s => s[stage]),
          0.95,
        ),
      })),
    },
    emergency: {
      dependents: coverage.updates.find(u => u.emergency)?.dependents ?? 0,
      rebuilt: cve.length,
      p50: hours(cve, 0.5),
      p95: hours(cve, 0.95),
      max: hours(cve, 1),
      joinedQueued: runs.filter(r => r.joinedByEmergency === 'queued').length,
      joinedRunning: runs.filter(r => r.joinedByEmergency === 'running').length,
      requeued: result.emergencyRequeued,
      satisfiedEarly: result.emergencySettled.filter(
        e => e.run.claimedAt! < e.askedAt,
      ).length,
    },
    openUpdates: coverage.open().length,
    events: result.events,
  };
}
