import {
  Placement,
  placePlatforms,
} from '../../plugins/image-factory-backend/src/builds/placement';
import { DbMeter, STATEMENTS } from './dbLoad';
import { Organisation } from './organisation';
import {
  Engine,
  PlacementPolicy,
  SLOT_POLL_SECONDS,
  SLOT_RENEW_SECONDS,
} from './params';

interface Pool {
  running: number;
  waiting: Array<() => void>;
}

/** A build that found every slot row of its host held: it asks again every second. */
interface SlotWaiter {
  replica: number;
  /** Its first try; it tries again at since + 1 s, + 2 s, … */
  since: number;
  start: () => void;
}

/** One host's `concurrency` rows of `executor_slots`, shared by the cluster. */
interface ClusterHost {
  held: number;
  waiters: SlotWaiter[];
  /** When a waiter will try next and find a free row (one event at a time). */
  wakeAt?: number;
}

/** What Executors needs of the simulation: its clock, its events, its meter. */
export interface ExecutorsHost {
  now(): number;
  at(time: number, run: () => void): void;
  db: DbMeter;
}

/** One platform as the database counts it for BuildStore.busyExecutors. */
export interface Recorded {
  host: number;
  /** When the platform's `running` row is there for other placements to read. */
  visibleAt: number;
}

/** Where a platform goes, and whether the host was full as the placement read it. */
export interface PlacedPlatform extends Placement {
  placedOnFull: boolean;
}

/**
 * The build hosts and their slots. Placement (the current engine's
 * placePlatforms, 1a218cf) ranks hosts by the platforms every replica builds
 * now, read from the database when a run is placed and counted from when each
 * platform starts, waiting for a slot or building, until it ends. What then
 * holds a host to its concurrency:
 *
 * - `as-built` (c672062): a platform waits its turn in its replica's own
 *   semaphore of `concurrency` for the host, then takes one of the host's
 *   `concurrency` slot rows in the database; when other replicas hold them
 *   all it tries again every second, holding its local turn. A host never
 *   runs more than its concurrency; a platform placed on a full host (every
 *   native host was full, or the count did not show yet another placement's
 *   platforms) waits there instead.
 * - `replica-slots` (before c672062): the replica's own semaphore only, so a
 *   host gets more than its concurrency when every host that builds the
 *   platform is full, or when placements read the count before each other's
 *   platforms are in it (the read-at-placement race).
 * - `late-placement` (proposed, not built): one set of slots per host for the
 *   cluster, the least loaded host chosen when a platform is about to build.
 *
 * Before the fixes placement saw only the run's own platforms (every run went
 * to the first executors of the configuration) and the slots were the
 * replica's semaphore. A host given more builds than its concurrency runs
 * each of them slower (a build starting there lasts `running / concurrency`
 * times longer).
 */
export class Executors {
  private readonly pools = new Map<string, Pool>();
  /** Builds running on each host now, and their integral over time. */
  readonly running: number[];
  readonly busySeconds: number[];
  readonly builds: number[];
  readonly maxRunning: number[];
  private readonly changedAt: number[];
  /** Platforms counted as running on each host in the database. */
  private readonly recorded: Array<Set<Recorded>>;
  /** The most slots any one pool had taken at once (for the invariant check). */
  maxPoolRunning = 0;
  /** Builds that started on a host already running `concurrency` builds. */
  overStarts = 0;
  /** … of those, placed on a host the placement read as full (so was every host that builds the platform natively: native first, then the least loaded). */
  overOnFull = 0;
  /** Build-seconds beyond a host's concurrency, and all build-seconds. */
  overSeconds = 0;
  buildSeconds = 0;
  /** Placements and busy reads. */
  placements = 0;
  /** Shared slots: builds that found every slot row of their host held by other replicas, and how long each waited (s). */
  slotWaits: number[] = [];
  /** … the tries that found every row held (one UPDATE each). */
  slotPolls = 0;
  /** The most slot rows of one host held at once (for the invariant check). */
  maxHeld = 0;
  /** Whether slots are rows in the database shared by the cluster (c672062). */
  readonly sharedSlots: boolean;
  private readonly cluster = new Map<number, ClusterHost>();
  /** Hosts whose slot rows each replica has inserted (once per executor and process). */
  private readonly rowsMade = new Set<string>();

  constructor(
    private readonly org: Organisation,
    private readonly policy: PlacementPolicy,
    private readonly engine: Engine,
    private readonly raceSeconds: number,
    private readonly sim: ExecutorsHost,
  ) {
    this.sharedSlots = policy === 'as-built' && engine === 'current';
    const n = org.executors.length;
    this.running = new Array(n).fill(0);
    this.busySeconds = new Array(n).fill(0);
    this.builds = new Array(n).fill(0);
    this.maxRunning = new Array(n).fill(0);
    this.changedAt = new Array(n).fill(0);
    this.recorded = org.executors.map(() => new Set());
  }

  /** As built: where each platform of a run goes, decided when the run is placed. */
  placeRun(platforms: string[], now: number): PlacedPlatform[] | undefined {
    if (this.policy === 'late-placement') return undefined;
    this.placements++;
    const { executors, concurrency } = this.org;
    if (this.engine === 'before-fixes') {
      return placePlatforms(platforms, executors).map(p => ({
        ...p,
        placedOnFull: false,
      }));
    }
    // BuildStore.busyExecutors: the platforms whose row says running now.
    const busy = new Map<string, number>();
    executors.forEach((e, host) => {
      let n = 0;
      for (const r of this.recorded[host]) if (r.visibleAt <= now) n++;
      if (n > 0) busy.set(e.id, n);
    });
    const placed = placePlatforms(platforms, executors, busy);
    const own = new Map<string, number>();
    return placed.map(p => {
      const load = (busy.get(p.executor) ?? 0) + (own.get(p.executor) ?? 0);
      own.set(p.executor, (own.get(p.executor) ?? 0) + 1);
      return { ...p, placedOnFull: load >= concurrency };
    });
  }

  /** runPlatform's first write: the platform counts as running from `visibleAt` on. */
  record(host: number, now: number): Recorded {
    const r = { host, visibleAt: now + this.raceSeconds };
    this.recorded[host].add(r);
    return r;
  }

  /** The platform's row leaves `running` (it was pushed). */
  unrecord(r: Recorded): void {
    this.recorded[r.host].delete(r);
  }

  /** Late placement (not built): the host for one platform, chosen when it is about to build. */
  choose(platform: string): { host: number; emulated: boolean } {
    const { executors, concurrency } = this.org;
    for (const emulated of [false, true]) {
      let best = -1;
      let bestLoad = Infinity;
      executors.forEach((e, host) => {
        if (!e.platforms.includes(platform)) return;
        if (e.emulatedPlatforms.includes(platform) !== emulated) return;
        const pool = this.pool(host, 0);
        const load = (pool.running + pool.waiting.length) / concurrency;
        if (load < bestLoad) {
          best = host;
          bestLoad = load;
        }
      });
      if (best >= 0) return { host: best, emulated };
    }
    throw new Error(`no executor builds ${platform}`);
  }

  hostIndex(id: string): number {
    return this.org.executors.findIndex(e => e.id === id);
  }

  /**
   * Waits for a slot on `host` (its turn in the replica's own pool; with
   * shared slots, then a slot row of the cluster), then calls `start`.
   * `onWait`: the build is told it waits (its log says so, c672062).
   */
  acquire(
    host: number,
    replica: number,
    start: () => void,
    onWait?: () => void,
  ): void {
    const pool = this.pool(host, replica);
    const go = this.sharedSlots
      ? () => this.takeRow(host, replica, start, onWait)
      : start;
    if (pool.running < this.org.concurrency) {
      pool.running++;
      this.maxPoolRunning = Math.max(this.maxPoolRunning, pool.running);
      go();
    } else {
      if (this.sharedSlots) onWait?.();
      pool.waiting.push(go);
    }
  }

  /** Frees the slot a build took at `since` (when `start` was called). */
  release(host: number, replica: number, since: number): void {
    if (this.sharedSlots) this.releaseRow(host, replica, since);
    const pool = this.pool(host, replica);
    const next = pool.waiting.shift();
    if (next) next();
    else pool.running--;
    // A row freed and not taken by this replica's next build goes to the
    // waiter of another replica that asks first.
    if (this.sharedSlots) this.scheduleWake(host);
  }

  /** ClusterSlots.acquire: one conditional UPDATE; when every row is held, again every second. */
  private takeRow(
    host: number,
    replica: number,
    start: () => void,
    onWait?: () => void,
  ): void {
    const now = this.sim.now();
    const made = `${host}/${replica}`;
    if (!this.rowsMade.has(made)) {
      this.rowsMade.add(made);
      this.sim.db.add(
        'executor slots (take, renew, release)',
        replica,
        now,
        STATEMENTS.slotRows,
      );
    }
    const c = this.clusterHost(host);
    if (c.held < this.org.concurrency) {
      this.hold(c, replica, now);
      start();
      return;
    }
    onWait?.();
    c.waiters.push({ replica, since: now, start });
  }

  private hold(c: ClusterHost, replica: number, now: number) {
    c.held++;
    this.maxHeld = Math.max(this.maxHeld, c.held);
    this.sim.db.add(
      'executor slots (take, renew, release)',
      replica,
      now,
      STATEMENTS.slotTake,
    );
  }

  private releaseRow(host: number, replica: number, since: number) {
    const now = this.sim.now();
    const c = this.clusterHost(host);
    c.held--;
    // Renewed every 20 s while held.
    const renewals = Math.floor((now - since) / SLOT_RENEW_SECONDS);
    const category = 'executor slots (take, renew, release)';
    this.sim.db.spread(category, replica, since, now, renewals);
    this.sim.db.add(category, replica, now, STATEMENTS.slotRelease);
  }

  /** When a waiter next asks: whole seconds after its first try. */
  private nextTry(w: SlotWaiter, now: number): number {
    const k = Math.max(
      1,
      Math.ceil((now - w.since) / SLOT_POLL_SECONDS - 1e-9),
    );
    return w.since + k * SLOT_POLL_SECONDS;
  }

  /** A row is free: the waiter whose next try comes first takes it then (unless a new build took it before). */
  private scheduleWake(host: number) {
    const c = this.clusterHost(host);
    if (c.held >= this.org.concurrency || c.waiters.length === 0) return;
    const now = this.sim.now();
    const at = Math.min(...c.waiters.map(w => this.nextTry(w, now)));
    if (c.wakeAt !== undefined && c.wakeAt <= at) return;
    c.wakeAt = at;
    this.sim.at(at, () => {
      if (c.wakeAt !== at) return;
      c.wakeAt = undefined;
      const t = this.sim.now();
      for (const w of [...c.waiters]) {
        if (c.held >= this.org.concurrency) break;
        if (Math.abs(this.nextTry(w, t - 1e-6) - t) > 1e-6) continue;
        c.waiters.splice(c.waiters.indexOf(w), 1);
        this.tookAfterWait(w, t);
        this.hold(c, w.replica, t);
        w.start();
      }
      this.scheduleWake(host);
    });
  }

  /** The tries of a waiter that found every row held: its first, then one a second until `at`. */
  private tookAfterWait(w: SlotWaiter, at: number) {
    const tries = Math.round((at - w.since) / SLOT_POLL_SECONDS);
    this.slotPolls += tries;
    this.slotWaits.push(at - w.since);
    this.sim.db.spread(
      'executor slot polls (waiting)',
      w.replica,
      w.since,
      at,
      tries * STATEMENTS.slotTry,
    );
  }

  private clusterHost(host: number): ClusterHost {
    let c = this.cluster.get(host);
    if (!c) {
      c = { held: 0, waiters: [] };
      this.cluster.set(host, c);
    }
    return c;
  }

  /** Slowdown of a build starting now on an oversubscribed host (1 when it is not). */
  begin(host: number, now: number, placedOnFull = false): number {
    this.account(host, now);
    this.running[host]++;
    this.builds[host]++;
    if (this.running[host] > this.org.concurrency) {
      this.overStarts++;
      if (placedOnFull) this.overOnFull++;
    }
    this.maxRunning[host] = Math.max(this.maxRunning[host], this.running[host]);
    return Math.max(1, this.running[host] / this.org.concurrency);
  }

  end(host: number, now: number): void {
    this.account(host, now);
    this.running[host]--;
  }

  /** Brings the busy-time integrals up to `now`. */
  settle(now: number): void {
    this.running.forEach((_, host) => this.account(host, now));
  }

  private account(host: number, now: number) {
    const dt = now - this.changedAt[host];
    const { concurrency } = this.org;
    this.busySeconds[host] += Math.min(this.running[host], concurrency) * dt;
    this.buildSeconds += this.running[host] * dt;
    this.overSeconds += Math.max(0, this.running[host] - concurrency) * dt;
    this.changedAt[host] = now;
  }

  private pool(host: number, replica: number): Pool {
    const key =
      this.policy === 'late-placement' ? `${host}` : `${host}/${replica}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { running: 0, waiting: [] };
      this.pools.set(key, pool);
    }
    return pool;
  }
}
