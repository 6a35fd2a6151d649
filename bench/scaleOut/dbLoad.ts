import { ScenarioParams } from './params';

/**
 * Statements each operation sends to the database, counted in the code at
 * 89266ab (the budget store at cf59f9d, the planner at 372fd76, placement at
 * 1a218cf, the executor slots at c672062) (a knex transaction adds BEGIN
 * and COMMIT). Where a number is not
 * in the code it says `assumed`.
 */
export const STATEMENTS = {
  /** BuildWorker.poll: RunLeases.recoverExpired's select, RunCancellation.cancelRequested, and RunQueue.claim finding nothing (BEGIN, SELECT … FOR UPDATE SKIP LOCKED, COMMIT). */
  poll: 5,
  /** RunQueue.claim that takes a run (BEGIN, SELECT … SKIP LOCKED, UPDATE, DELETE build_platforms, COMMIT) and RunReads.get (run, platforms). */
  claim: 7,
  /** BuildService.start: insert, then RunReads.get; PlanQueueing: plan save and audit row. */
  enqueue: 5,
  /** BuildLog.open (lastSeq), RunReads.lastSucceeded (run, platforms), RunLeases.setInputs. */
  runStart: 4,
  /** PlatformResults.setPlatform when a platform starts and when it ends. */
  perPlatform: 2,
  /** RunLeases.finish; retention's listRetained and markPruned; onFinished reading the run (assumed 2). */
  runEnd: 5,
  /** Current engine: BuildStore.busyExecutors when a run places its platforms (1a218cf). */
  busyRead: 1,
  /**
   * Shared executor slots (c672062, DatabaseExecutorSlotStore): the slot rows
   * of an executor, inserted once per executor and process (INSERT … ON
   * CONFLICT DO NOTHING); a take (the conditional UPDATE, then the SELECT of
   * the slot it got); a try that finds every slot held (the UPDATE alone,
   * again every second while the build waits); a renewal every 20 s while
   * the slot is held; the release.
   */
  slotRows: 1,
  slotTake: 2,
  slotTry: 1,
  slotRenewal: 1,
  slotRelease: 1,
  /** The line a waiting build writes to its log (ClusterSlots' onWait), one insert. */
  slotWaitLog: 1,
  /** RunLeases.renewLease, every leaseDuration / 3 while a run builds. */
  leaseRenewal: 1,
  /** Log inserts of the factory's own lines per run (started, fetching, placing, summary), assumed. */
  systemLogInserts: 3,
  /** Per check: DigestStore.getCurrent, recordObservation (BEGIN, SELECT, UPDATE, INSERT, SELECT, COMMIT), recordCheck (2 UPDATEs). */
  check: 9,
  /** The shared budget in the database (cf59f9d) per request: RegistryBudgetStore.take's conditional UPDATE, its per-hour request counter, and noting the registry's RateLimit headers; about 3. */
  budgetTake: 3,
  /** Per tracking pass: listDue. */
  trackingPass: 1,
  /** Before the fixes (89266ab), RebuildPlanner.runOnce per image: BuildTriggers.collect's builds.list (run, platforms) and lastSucceeded (run, platforms). */
  plannerPerImage: 4,
  /** … and DigestStore.getCurrent per external base of the image. */
  plannerPerBase: 1,
  /** … and per pass: BuildTriggerStore.list, listOpen twice. */
  plannerPass: 3,
  /**
   * The current planner (372fd76), per pass whatever changed: listOpen
   * before and after, and the two reads that follow the change (PassScope:
   * DigestStore.listCurrent, RunReads.changedSince). A pass with nothing new
   * sends only these.
   */
  plannerChangePass: 4,
  /** … per 500 images it plans or reads the last build of: RunReads.lastSucceededOf (ranked runs, their platforms). */
  plannerPerChunk: 2,
  /** … per 500 seeds (every image in a full pass): BuildTriggers.collect's BuildTriggerStore.listOf and RunReads.latestOf (runs, platforms). */
  plannerTriggersPerChunk: 3,
  /** Per open plan without a run and pass: plans.save; per plan with a run: settlePlanRun's builds.get (run, platforms), the plan left as it is while the run goes on. */
  plannerPerPlan: 1,
  plannerPerPlanRun: 2,
  /** A viewer: the builds list every 5 s (run rows, platforms) and the log every 2 s while a run is open. */
  viewerPerSecond: 2 / 5 + 1 / 2,
} as const;

/** The categories a statement is counted under. */
export const CATEGORIES = [
  'queue polls',
  'claims and run records',
  'lease renewals',
  'executor slots (take, renew, release)',
  'executor slot polls (waiting)',
  'log appends',
  'status reads (portal)',
  'tracking task',
  'planner task',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Statements per replica, per category and per simulated minute. */
export class DbMeter {
  private readonly perMinute: Float64Array[];
  /** The cluster's statements per minute of each category. */
  private readonly byCategory = new Map<Category, Float64Array>();
  readonly totals = new Map<Category, number>();

  constructor(readonly replicas: number, readonly minutes: number) {
    this.perMinute = Array.from(
      { length: replicas },
      () => new Float64Array(minutes + 1),
    );
  }

  add(category: Category, replica: number, at: number, count: number): void {
    const minute = Math.min(this.minutes, Math.floor(at / 60));
    this.perMinute[replica][minute] += count;
    this.totals.set(category, (this.totals.get(category) ?? 0) + count);
    let minutes = this.byCategory.get(category);
    if (!minutes) {
      minutes = new Float64Array(this.minutes + 1);
      this.byCategory.set(category, minutes);
    }
    minutes[minute] += count;
  }

  /** The busiest minute of the cluster for one category, in statements per second. */
  peakOf(category: Category): number {
    const minutes = this.byCategory.get(category);
    return minutes ? Math.max(...minutes) / 60 : 0;
  }

  /** `count` statements spread evenly over [from, to). */
  spread(
    category: Category,
    replica: number,
    from: number,
    to: number,
    count: number,
  ): void {
    if (to - from < 60 || count < 2) {
      this.add(category, replica, from, count);
      return;
    }
    const first = Math.floor(from / 60);
    const last = Math.floor((to - 1) / 60);
    const per = count / (last - first + 1);
    for (let m = first; m <= last; m++)
      this.add(category, replica, m * 60, per);
  }

  /** The busiest minute of any replica, in statements per second. */
  peakPerSecond(): number {
    let peak = 0;
    for (const minutes of this.perMinute) {
      for (const v of minutes) peak = Math.max(peak, v);
    }
    return peak / 60;
  }

  /** Mean statements per second of each replica over `seconds`. */
  meanPerSecond(seconds: number): number[] {
    return this.perMinute.map(m => m.reduce((a, b) => a + b, 0) / seconds);
  }
}

/** What is not simulated event by event: idle queue polls and the portal's reads. */
export function meterAnalytic(
  db: DbMeter,
  params: ScenarioParams,
  seconds: number,
): void {
  const minutes = Math.ceil(seconds / 60);
  const polls = (60 / params.pollIntervalSeconds) * STATEMENTS.poll;
  const reads =
    (params.viewers * STATEMENTS.viewerPerSecond * 60) / params.replicas;
  for (let r = 0; r < params.replicas; r++) {
    for (let m = 0; m < minutes; m++) {
      db.add('queue polls', r, m * 60, polls);
      db.add('status reads (portal)', r, m * 60, reads);
    }
  }
}
