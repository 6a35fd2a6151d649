import {
  Placement,
  placePlatforms,
} from '../../plugins/image-factory-backend/src/builds/placement';
import { Organisation } from './organisation';
import { PlacementPolicy } from './params';

interface Pool {
  running: number;
  waiting: Array<() => void>;
}

/**
 * The build hosts and their slots. As built, each replica's ExecutorPool has
 * its own semaphore of `concurrency` per executor, and placePlatforms does
 * not look at load outside the run: so N replicas may put N × concurrency
 * builds on one host, which then runs each of them slower (modelled as a
 * build lasting `running / concurrency` times longer when it starts on an
 * oversubscribed host). The proposed policy shares one set of slots per host
 * across the cluster and picks the least loaded host.
 */
export class Executors {
  private readonly pools = new Map<string, Pool>();
  /** Builds running on each host now, and their integral over time. */
  readonly running: number[];
  readonly busySeconds: number[];
  readonly builds: number[];
  readonly maxRunning: number[];
  private readonly changedAt: number[];
  /** The most slots any one pool had taken at once (for the invariant check). */
  maxPoolRunning = 0;

  constructor(
    private readonly org: Organisation,
    private readonly policy: PlacementPolicy,
  ) {
    const n = org.executors.length;
    this.running = new Array(n).fill(0);
    this.busySeconds = new Array(n).fill(0);
    this.builds = new Array(n).fill(0);
    this.maxRunning = new Array(n).fill(0);
    this.changedAt = new Array(n).fill(0);
  }

  /** As built: where each platform of a run goes, decided when the run starts. */
  placeRun(platforms: string[]): Placement[] | undefined {
    if (this.policy !== 'as-built') return undefined;
    return placePlatforms(platforms, this.org.executors);
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
  begin(host: number, now: number): number {
    this.account(host, now);
    this.running[host]++;
    this.builds[host]++;
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
    this.busySeconds[host] +=
      Math.min(this.running[host], this.org.concurrency) *
      (now - this.changedAt[host]);
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
