import {
  Placement,
  placePlatforms,
} from '../../plugins/image-factory-backend/src/builds/placement';
import { Organisation } from './organisation';
import { Engine, PlacementPolicy } from './params';

interface Pool {
  running: number;
  waiting: Array<() => void>;
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
 * The build hosts and their slots. As built, each replica's ExecutorPool has
 * its own semaphore of `concurrency` per executor. The current engine's
 * placePlatforms (1a218cf) ranks hosts by the platforms every replica builds
 * now (read from the database when a run is placed, counted from when each
 * platform starts, waiting for a slot or building, until it ends), so the
 * semaphores are per replica but the load they see is the cluster's: a host
 * still gets more than its concurrency when every host that builds the
 * platform is full, or when placements read the count before each other's
 * platforms are in it (the read-at-placement race). Before the fixes it saw
 * only the run's own platforms: every run went to the first executors of the
 * configuration. A host given more builds than its concurrency runs each of
 * them slower (a build starting there lasts `running / concurrency` times
 * longer). The proposed policy shares one set of slots per host across the
 * cluster and picks the least loaded host when a platform is about to build.
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

  constructor(
    private readonly org: Organisation,
    private readonly policy: PlacementPolicy,
    private readonly engine: Engine,
    private readonly raceSeconds: number,
  ) {
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
    if (this.policy !== 'as-built') return undefined;
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

  /** Proposed: the host for one platform, chosen when it is about to build. */
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

  /** Waits for a slot on `host` (in the replica's own pool, as built), then calls `start`. */
  acquire(host: number, replica: number, start: () => void): void {
    const pool = this.pool(host, replica);
    if (pool.running < this.org.concurrency) {
      pool.running++;
      this.maxPoolRunning = Math.max(this.maxPoolRunning, pool.running);
      start();
    } else {
      pool.waiting.push(start);
    }
  }

  release(host: number, replica: number): void {
    const pool = this.pool(host, replica);
    const next = pool.waiting.shift();
    if (next) next();
    else pool.running--;
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
    const key = this.policy === 'as-built' ? `${host}/${replica}` : `${host}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { running: 0, waiting: [] };
      this.pools.set(key, pool);
    }
    return pool;
  }
}
