import { Coverage } from './coverage';
import { DbMeter, meterAnalytic, STATEMENTS } from './dbLoad';
import { EventQueue } from './EventQueue';
import { Executors, PlacedPlatform } from './executors';
import { createOrganisation, Organisation } from './organisation';
import { HubPulls } from './hubPulls';
import { ScenarioParams } from './params';
import { plannerPass, PlannerHost } from './planner';
import { Random } from './random';
import { Cause, EmergencySettled, ImageState, Plan, Run } from './state';
import { Tracking } from './tracking';

const DAY = 86_400;

/** Everything a finished simulation hands to the report and the checks. */
export interface SimulationResult {
  params: ScenarioParams;
  org: Organisation;
  tracking: Tracking;
  coverage: Coverage;
  executors: Executors;
  db: DbMeter;
  runs: Run[];
  state: ImageState[];
  /** Seconds simulated (updates plus drain). */
  seconds: number;
  /** Docker Hub pulls by builds: per host IP, and distinct per cluster (a pull-through mirror). */
  hubPullsByHost: number[][];
  hubPullsMirror: number[];
  plannerPasses: number;
  plannerPassSeconds: number;
  /** Passes over every image, passes that planned no image, and the most statements of one pass. */
  plannerFullPasses: number;
  plannerIdlePasses: number;
  plannerMaxStatements: number;
  /** Emergency plans closed by a run, and those queued again because their run started before them. */
  emergencySettled: EmergencySettled[];
  emergencyRequeued: number;
  /** Claims of a run while an emergency was queued and not taken first. */
  priorityViolations: number;
  maxRunningPerReplica: number;
  poolsWithinConcurrency: boolean;
  events: number;
}

/** Runs one scenario to its end and returns what happened. */
export function simulate(params: ScenarioParams): SimulationResult {
  return new Simulation(params).run();
}

class Simulation implements PlannerHost {
  readonly org: Organisation;
  readonly tracking: Tracking;
  readonly state: ImageState[];
  private readonly random: Random;
  /** Source fetch times: a stream of their own, so the others stay as they were. */
  private readonly fetchRandom: Random;
  private readonly events = new EventQueue();
  private readonly coverage: Coverage;
  private readonly executors: Executors;
  private readonly db: DbMeter;
  private readonly queues: Record<Cause, Run[]> = {
    emergency: [],
    'base-change': [],
  };
  private readonly runs: Run[] = [];
  private readonly replicaRunning: number[];
  private readonly pollAt: Array<number | undefined>;
  private readonly dirty = new Set<number>();
  private readonly planned = new Set<number>();
  private readonly hub: HubPulls;
  private plannerPasses = 0;
  private plannerPassSeconds = 0;
  private plannerFullPasses = 0;
  private plannerIdlePasses = 0;
  private plannerMaxStatements = 0;
  private lastFullPassAt = -Infinity;
  readonly emergencySettled: EmergencySettled[] = [];
  emergencyRequeued = 0;
  private priorityViolations = 0;
  private maxRunningPerReplica = 0;
  private readonly end: number;
  /** Before the fixes: statements of a pass's reads, whatever changed. */
  private readonly plannerReads: number;

  constructor(readonly params: ScenarioParams) {
    this.org = createOrganisation(params);
    this.random = new Random(params.seed + 1);
    this.fetchRandom = new Random(params.seed + 2);
    this.coverage = new Coverage(this.org);
    this.tracking = new Tracking(this.org, params, this.random, (b, v, at) => {
      this.coverage.seen(b, v, at);
      for (const id of this.org.bases[b].dependents) this.dirty.add(id);
    });
    this.end = (params.days + params.drainDays) * DAY;
    this.db = new DbMeter(params.replicas, Math.ceil(this.end / 60));
    this.executors = new Executors(
      this.org,
      params.placement,
      params.engine,
      params.placementRaceMs / 1000,
      {
        now: () => this.events.now,
        at: (time, run) => this.events.at(time, run),
        db: this.db,
      },
    );
    this.replicaRunning = new Array(params.replicas).fill(0);
    this.pollAt = new Array(params.replicas).fill(undefined);
    this.hub = new HubPulls(this.org);
    this.state = this.org.images.map(image => ({
      recorded: new Map(image.bases.map(b => [b, 0])),
      recordedUpstreamRun: -1,
      lastSuccessId: -1,
      lastSuccessAt: 0,
      content: new Map(),
      history: [],
    }));
    for (const id of this.org.order)
      this.state[id].content = this.contentOf(id);
    const { images } = this.org;
    this.plannerReads =
      STATEMENTS.plannerPass +
      images.length * STATEMENTS.plannerPerImage +
      images.reduce((n, i) => n + i.bases.length, 0) *
        STATEMENTS.plannerPerBase;
  }

  run(): SimulationResult {
    const { params, events } = this;
    const updatesUntil = params.days * DAY;
    for (const base of this.org.bases)
      this.scheduleUpdate(base.id, 0, updatesUntil);
    events.at(params.emergencyDay * DAY, () => this.cveFix());
    this.every(params.trackingEverySeconds, () => this.trackingPass());
    this.every(params.plannerEverySeconds, () => this.plannerPass());
    events.runUntil(this.end);
    this.executors.settle(this.end);
    meterAnalytic(this.db, this.params, this.end);
    return {
      params,
      org: this.org,
      tracking: this.tracking,
      coverage: this.coverage,
      executors: this.executors,
      db: this.db,
      runs: this.runs,
      state: this.state,
      seconds: this.end,
      hubPullsByHost: this.hub.byHost,
      hubPullsMirror: this.hub.mirror,
      plannerPasses: this.plannerPasses,
      plannerPassSeconds: this.plannerPassSeconds,
      plannerFullPasses: this.plannerFullPasses,
      plannerIdlePasses: this.plannerIdlePasses,
      plannerMaxStatements: this.plannerMaxStatements,
      emergencySettled: this.emergencySettled,
      emergencyRequeued: this.emergencyRequeued,
      priorityViolations: this.priorityViolations,
      maxRunningPerReplica: this.maxRunningPerReplica,
      poolsWithinConcurrency:
        this.executors.maxPoolRunning <= this.org.concurrency,
      events: events.processed,
    };
  }

  /** A periodic task; `task` returns how long it ran when that is longer than the period. */
  private every(period: number, task: () => number | void) {
    const tick = () => {
      const took = task() ?? 0;
      this.events.after(Math.max(period, took), tick);
    };
    this.events.at(this.random.uniform() * period, tick);
  }

  private scheduleUpdate(base: number, from: number, until: number) {
    const mean = DAY / this.org.bases[base].updatesPerDay;
    const at = from + this.random.exponential(mean);
    if (at >= until) return;
    this.events.at(at, () => {
      const version = this.tracking.publish(base, at);
      this.coverage.published(base, version, at, false);
      this.scheduleUpdate(base, at, until);
    });
  }

  /** A critical CVE fixed in the most used Docker Hub base: its fix is a new digest. */
  private cveFix() {
    const now = this.events.now;
    const version = this.tracking.publish(0, now);
    this.coverage.published(0, version, now, true);
    if (!this.params.emergency) return;
    this.events.after(this.params.emergencyReactionMinutes * 60, () => {
      for (const id of this.org.bases[0].dependents) this.emergency(id);
    });
  }

  /**
   * POST …/emergency-rebuilds with cascade, as EmergencyRebuilds.trigger does
   * it: the image's run is queued (or its active run joined), and every image
   * built FROM it gets an emergency plan, eligible now.
   */
  private emergency(id: number) {
    const now = this.events.now;
    const active = this.state[id].active;
    if (active && active.cause !== 'emergency')
      active.joinedByEmergency =
        active.status === 'queued' ? 'queued' : 'running';
    const run = this.start(id, 'emergency', now);
    this.state[id].plan = {
      cause: 'emergency',
      createdAt: now,
      askedAt: now,
      run,
    };
    this.planned.add(id);
    const visit = (up: number) => {
      for (const dep of this.org.images[up].dependents) {
        const st = this.state[dep];
        st.plan = {
          ...(st.plan ?? { createdAt: now }),
          cause: 'emergency',
          askedAt: now,
        };
        this.planned.add(dep);
        visit(dep);
      }
    };
    visit(id);
  }

  private trackingPass(): number {
    const now = this.events.now;
    const before = this.tracking.checks;
    this.tracking.pass(now, this.taskReplica());
    const checks = this.tracking.checks - before;
    const budgeted = this.params.registries.some(r => r.budget)
      ? STATEMENTS.budgetTake
      : 0;
    const statements =
      STATEMENTS.trackingPass + checks * (STATEMENTS.check + budgeted);
    this.db.add('tracking task', this.taskReplica(), now, statements);
    return (statements * this.params.queryMs) / 1000;
  }

  private plannerPass(): number {
    const now = this.events.now;
    this.plannerPasses++;
    // Dependency order: golden images (the lowest ids) before the images built FROM them.
    const golden: number[] = [];
    const others: number[] = [];
    for (const set of [this.planned, this.dirty]) {
      for (const id of set) {
        if (set === this.dirty && this.planned.has(id)) continue;
        (this.org.images[id].dependents.length > 0 ? golden : others).push(id);
      }
    }
    const candidates = [...golden, ...others];
    const changed = new Set(this.dirty);
    this.dirty.clear();
    const { plans, withRun } = plannerPass(
      this,
      candidates,
      changed,
      now,
      this.dirty,
      this.planned,
    );
    const p = this.params;
    let statements: number;
    let localSeconds = 0;
    if (p.engine === 'before-fixes') {
      statements =
        this.plannerReads +
        (plans - withRun) * STATEMENTS.plannerPerPlan +
        withRun * STATEMENTS.plannerPerPlanRun;
    } else {
      const reads = this.changePassReads(candidates, now);
      statements =
        reads.statements +
        (plans - withRun) * STATEMENTS.plannerPerPlan +
        withRun * STATEMENTS.plannerPerPlanRun;
      const scale = this.org.images.length / 10_000;
      localSeconds =
        (reads.full
          ? p.plannerLocalMs.full * scale
          : p.plannerLocalMs.pass * scale +
            reads.planned * p.plannerLocalMs.perPlanned) / 1000;
    }
    this.plannerMaxStatements = Math.max(this.plannerMaxStatements, statements);
    this.db.add('planner task', this.taskReplica(), now, statements);
    const seconds = (statements * p.queryMs) / 1000 + localSeconds;
    this.plannerPassSeconds = Math.max(this.plannerPassSeconds, seconds);
    return seconds;
  }

  /**
   * The reads of a pass that follows the change (372fd76): the open plans,
   * every current digest and the runs created or ended since the last pass
   * (PassScope), then, for the images it plans (the seeds: open plans, users
   * of a changed base, images with a new or ended run; and every image built
   * FROM them), their triggers and last builds in chunks of 500. The first
   * pass and one an hour plan every image.
   */
  private changePassReads(
    seeds: number[],
    now: number,
  ): { statements: number; planned: number; full: boolean } {
    const { images } = this.org;
    const full = now - this.lastFullPassAt >= this.params.fullPassMinutes * 60;
    let planned: number;
    let read: number;
    let triggers: number;
    if (full) {
      this.lastFullPassAt = now;
      this.plannerFullPasses++;
      planned = read = triggers = images.length;
    } else {
      const all = new Set<number>();
      const visit = (id: number) => {
        if (all.has(id)) return;
        all.add(id);
        for (const d of images[id].dependents) visit(d);
      };
      seeds.forEach(visit);
      const withUpstream = new Set(all);
      for (const id of all) {
        const up = images[id].upstream;
        if (up !== undefined) withUpstream.add(up);
      }
      planned = all.size;
      read = withUpstream.size;
      triggers = seeds.length;
    }
    if (planned === 0) this.plannerIdlePasses++;
    const chunks = (n: number) => Math.ceil(n / 500);
    return {
      statements:
        STATEMENTS.plannerChangePass +
        chunks(triggers) * STATEMENTS.plannerTriggersPerChunk +
        chunks(read) * STATEMENTS.plannerPerChunk,
      planned,
      full,
    };
  }

  /** The planner settled an emergency plan with its run. */
  emergencyDone(image: number, plan: Plan, run: Run): void {
    this.emergencySettled.push({ image, askedAt: plan.askedAt!, run });
  }

  /** settlePlanRun since 2dddaa2: the emergency's run started before it was asked, so it is queued again. */
  requeueEmergency(plan: Plan, run: Run): boolean {
    if (this.params.engine !== 'current') return false;
    if (!(run.claimedAt! < plan.askedAt!)) return false;
    this.emergencyRequeued++;
    return true;
  }

  /** Backstage's scheduler runs a global task on one replica at a time; which one varies. */
  private taskReplica(): number {
    return this.plannerPasses % this.params.replicas;
  }

  queuePlan(id: number, plan: Plan, now: number): void {
    plan.run = this.start(id, plan.cause, now);
  }

  /** BuildService.start: a new queued run, or the image's active one (at most one per image). */
  private start(id: number, cause: Cause, now: number): Run {
    const st = this.state[id];
    const active = st.active;
    if (active) {
      // RunQueue.promoteQueued since 2dddaa2: a queued run joined by an
      // emergency becomes one, claimed before every other cause.
      if (
        this.params.engine === 'current' &&
        cause === 'emergency' &&
        active.status === 'queued' &&
        active.cause !== 'emergency'
      ) {
        const from = this.queues[active.cause];
        from.splice(from.indexOf(active), 1);
        active.cause = 'emergency';
        const queue = this.queues.emergency;
        let at = queue.length;
        while (at > 0 && queue[at - 1].createdAt > active.createdAt) at--;
        queue.splice(at, 0, active);
      }
      return active;
    }
    const run: Run = {
      id: this.runs.length,
      image: id,
      cause,
      platforms: this.org.images[id].platforms,
      createdAt: now,
      status: 'queued',
    };
    this.runs.push(run);
    st.active = run;
    this.queues[cause].push(run);
    const replica = this.taskReplica();
    this.db.add('claims and run records', replica, now, STATEMENTS.enqueue);
    // The replica that queued it looks at once (wake); the others at their next poll.
    this.schedulePoll(replica, now);
    for (let r = 0; r < this.params.replicas; r++)
      this.schedulePoll(r, this.nextPoll(r, now));
    return run;
  }

  private nextPoll(replica: number, now: number): number {
    const period = this.params.pollIntervalSeconds;
    const phase = (replica * period) / this.params.replicas;
    return phase + Math.ceil((now - phase) / period) * period;
  }

  private schedulePoll(replica: number, at: number) {
    if (this.replicaRunning[replica] >= this.params.concurrentRuns) return;
    const scheduled = this.pollAt[replica];
    if (scheduled !== undefined && scheduled <= at) return;
    this.pollAt[replica] = at;
    this.events.at(at, () => {
      if (this.pollAt[replica] !== at) return;
      this.pollAt[replica] = undefined;
      this.poll(replica);
    });
  }

  /** BuildWorker.poll: claims runs, emergencies first, then the oldest. */
  private poll(replica: number) {
    const now = this.events.now;
    while (this.replicaRunning[replica] < this.params.concurrentRuns) {
      const queue =
        this.queues.emergency.length > 0
          ? this.queues.emergency
          : this.queues['base-change'];
      const run = queue.shift();
      if (!run) break;
      if (run.cause !== 'emergency' && this.queues.emergency.length > 0)
        this.priorityViolations++;
      run.status = 'running';
      run.claimedAt = now;
      run.replica = replica;
      this.replicaRunning[replica]++;
      this.maxRunningPerReplica = Math.max(
        this.maxRunningPerReplica,
        this.replicaRunning[replica],
      );
      this.db.add(
        'claims and run records',
        replica,
        now,
        STATEMENTS.claim + STATEMENTS.runStart,
      );
      const j = this.params.sourceJitter;
      run.sourceSeconds =
        this.params.sourceSeconds *
        (j > 0 ? this.fetchRandom.between(1 - j, 1 + j) : 1);
      this.events.after(run.sourceSeconds, () => this.build(run));
    }
  }

  /** What an image's build contains: its own bases as pulled now, and its golden image's content. */
  private contentOf(id: number): Map<number, number> {
    const image = this.org.images[id];
    const content = new Map<number, number>();
    if (image.upstream !== undefined) {
      for (const [b, v] of this.state[image.upstream].content)
        content.set(b, v);
    }
    for (const b of image.bases) {
      const v = this.tracking.latest(b);
      content.set(b, Math.min(v, content.get(b) ?? v));
    }
    return content;
  }

  private build(run: Run) {
    const image = this.org.images[run.image];
    const upstream =
      image.upstream === undefined ? undefined : this.state[image.upstream];
    run.inputs = {
      bases: new Map(image.bases.map(b => [b, this.tracking.seen(b)])),
      upstreamRun: upstream ? upstream.lastSuccessId : -1,
    };
    run.content = this.contentOf(run.image);
    const now = this.events.now;
    const placements = this.executors.placeRun(run.platforms, now);
    if (placements && this.params.engine === 'current')
      this.db.add(
        'claims and run records',
        run.replica!,
        now,
        STATEMENTS.busyRead,
      );
    const todo = [...run.platforms];
    let active = 0;
    const next = () => {
      while (active < this.params.parallelPlatforms && todo.length > 0) {
        const platform = todo.shift()!;
        active++;
        this.buildPlatform(run, platform, placements, () => {
          active--;
          if (todo.length > 0) next();
          else if (active === 0) this.events.after(1, () => this.finish(run));
        });
      }
    };
    next();
  }

  private buildPlatform(
    run: Run,
    platform: string,
    placements: PlacedPlatform[] | undefined,
    done: () => void,
  ) {
    const placed = placements?.find(p => p.platform === platform);
    const { host, emulated } = placed
      ? {
          host: this.executors.hostIndex(placed.executor),
          emulated: placed.emulated,
        }
      : this.executors.choose(platform);
    const replica = run.replica!;
    // runPlatform records the platform as running before it waits for a slot.
    const recorded = placed
      ? this.executors.record(host, this.events.now)
      : undefined;
    const told = () =>
      this.db.add(
        'log appends',
        replica,
        this.events.now,
        STATEMENTS.slotWaitLog,
      );
    this.executors.acquire(
      host,
      replica,
      () => {
        const now = this.events.now;
        run.firstBuildAt ??= now;
        this.hub.build({
          image: run.image,
          content: run.content!,
          platform,
          host,
          now,
        });
        const slowdown = this.executors.begin(
          host,
          now,
          placed?.placedOnFull ?? false,
        );
        const image = this.org.images[run.image];
        const seconds =
          image.nativeSeconds *
          this.random.between(0.8, 1.2) *
          (emulated ? this.params.qemuFactor : 1) *
          slowdown;
        const inserts = Math.ceil(
          this.params.logLinesPerPlatform / this.params.linesPerFlush,
        );
        this.db.spread('log appends', replica, now, now + seconds, inserts);
        this.db.add(
          'claims and run records',
          replica,
          now,
          STATEMENTS.perPlatform,
        );
        this.events.after(seconds, () => {
          this.executors.end(host, this.events.now);
          this.events.after(this.params.pushSeconds, () => {
            this.executors.release(host, replica, now);
            if (recorded) this.executors.unrecord(recorded);
            done();
          });
        });
      },
      told,
    );
  }

  private finish(run: Run) {
    const now = this.events.now;
    const st = this.state[run.image];
    const replica = run.replica!;
    run.status = 'succeeded';
    run.finishedAt = now;
    st.active = undefined;
    st.recorded = run.inputs!.bases;
    st.recordedUpstreamRun = run.inputs!.upstreamRun;
    st.lastSuccessId = run.id;
    st.lastSuccessAt = now;
    st.content = run.content!;
    st.history.push(run);
    this.coverage.built(run, now);
    const p = this.params;
    this.db.add('claims and run records', replica, now, STATEMENTS.runEnd);
    this.db.add('log appends', replica, now, STATEMENTS.systemLogInserts);
    const renewals = Math.floor(
      (now - run.claimedAt!) / Math.max(1, p.leaseDurationSeconds / 3),
    );
    this.db.spread('lease renewals', replica, run.claimedAt!, now, renewals);
    this.replicaRunning[replica]--;
    this.schedulePoll(replica, now); // BuildWorker wakes when a run ends
    this.dirty.add(run.image);
    const dependents = this.org.images[run.image].dependents;
    for (const d of dependents) this.dirty.add(d);
    // "A pass also runs as soon as a build is pushed."
    if (dependents.length > 0) this.events.after(0, () => this.plannerPass());
  }
}
