import { Organisation } from './organisation';
import { RegistryParams, ScenarioParams } from './params';
import { Random } from './random';

const HOUR = 3600;

/**
 * One registry host's request budget as the engine keeps it (one bucket per
 * host for the whole cluster, in the database): a HEAD takes a token or holds
 * the host back until the next one; the GET after a new digest is taken on
 * credit, so the bucket may go below zero.
 */
export class SimulatedBucket {
  private tokens: number;
  private updatedAt = 0;

  constructor(readonly requestsPerHour: number, readonly burst: number) {
    this.tokens = burst;
  }

  /** True when a token was taken, else the time the next one is there. */
  take(now: number): true | number {
    this.refill(now);
    if (this.tokens >= 1 - 1e-9) {
      this.tokens = Math.max(0, this.tokens - 1);
      return true;
    }
    return now + Math.ceil(((1 - this.tokens) * HOUR) / this.requestsPerHour);
  }

  takeOnCredit(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number) {
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.updatedAt) * this.requestsPerHour) / HOUR,
    );
    this.updatedAt = now;
  }
}

/** listDue's tie-breaker since 4cacbf2: never checked first, then the oldest check. */
function oldestCheckFirst(a: WatchedRef, b: WatchedRef): number {
  if (a.lastCheck === undefined || b.lastCheck === undefined)
    return (
      Number(a.lastCheck !== undefined) - Number(b.lastCheck !== undefined)
    );
  return a.lastCheck - b.lastCheck;
}

/** What one registry host saw: request times, for the per-hour tables and the checks. */
export interface HostTraffic {
  params: RegistryParams;
  /** The host's budget: the cluster's one (buckets[0]), or one per replica. */
  bucket?: SimulatedBucket;
  buckets: SimulatedBucket[];
  heads: number[];
  gets: number[];
  /** Times between two checks of one reference on this host, seconds. */
  checkGaps: number[];
  /** References of this host checked at least once. */
  checked: Set<number>;
}

interface WatchedRef {
  base: number;
  /** Its place in the alphabetical order of references (listDue's tie-breaker). */
  name: number;
  host: HostTraffic;
  nextCheck: number;
  lastCheck?: number;
  /** The digest version tracking has seen (0 = the one at the start). */
  seen: number;
}

/**
 * Digest tracking as DigestWatcher.runDue does it, once a minute on one
 * replica: due references in order of their next check, one HEAD each
 * (taking a token), a GET only for a new digest, the next check one interval
 * later with ±jitter; a host out of tokens has all its due references
 * postponed to when the next token is there. Ties of the next check (a held
 * host's references all wait for one time) go, in the current engine
 * (4cacbf2), to the reference checked least recently, never checked first,
 * then the name; before it, to the name alone.
 */
export class Tracking {
  readonly hosts = new Map<string, HostTraffic>();
  readonly refs: WatchedRef[];
  /** True digest version per base, and when each was published. */
  readonly published: number[][];
  /** When tracking first saw each version of each base (undefined: never). */
  readonly firstSeen: Array<Map<number, number>>;
  checks = 0;

  constructor(
    org: Organisation,
    private readonly params: ScenarioParams,
    private readonly random: Random,
    private readonly onSeen: (
      base: number,
      version: number,
      at: number,
    ) => void,
  ) {
    for (const registry of params.registries) {
      const { budget } = registry;
      const buckets = budget
        ? Array.from(
            { length: params.budgetScope === 'replica' ? params.replicas : 1 },
            () => new SimulatedBucket(budget.requestsPerHour, budget.burst),
          )
        : [];
      this.hosts.set(registry.host, {
        params: registry,
        bucket: buckets[0],
        buckets,
        heads: [],
        gets: [],
        checkGaps: [],
        checked: new Set(),
      });
    }
    // Names have nothing to do with popularity: a shuffled order.
    const names = org.bases.map((_, i) => i);
    for (let i = names.length - 1; i > 0; i--) {
      const j = Math.floor(this.random.uniform() * (i + 1));
      [names[i], names[j]] = [names[j], names[i]];
    }
    // Steady state: every reference was checked once within its last interval.
    this.refs = org.bases.map(base => {
      const host = this.hosts.get(base.host)!;
      return {
        base: base.id,
        name: names[base.id],
        host,
        nextCheck: this.random.uniform() * host.params.intervalHours * HOUR,
        seen: 0,
      };
    });
    this.published = org.bases.map(() => [0]);
    this.firstSeen = org.bases.map(() => new Map([[0, 0]]));
  }

  /** The version of a base a pull gets now. */
  latest(base: number): number {
    return this.published[base].length - 1;
  }

  /** A new digest of `base` is pushed to its registry. */
  publish(base: number, now: number): number {
    this.published[base].push(now);
    const ref = this.refs[base];
    // A registry's push notification makes the reference due at once.
    if (ref.host.params.notifications)
      ref.nextCheck = Math.min(ref.nextCheck, now);
    return this.latest(base);
  }

  /** One pass of the tracking task, on `replica` (whose bucket it takes from when budgets are per replica). */
  pass(now: number, replica: number): void {
    const fair = this.params.engine === 'current';
    const due = this.refs
      .filter(r => r.nextCheck <= now)
      .sort(
        (a, b) =>
          a.nextCheck - b.nextCheck ||
          (fair ? oldestCheckFirst(a, b) : 0) ||
          a.name - b.name,
      );
    const held = new Set<HostTraffic>();
    for (const ref of due) {
      const host = ref.host;
      if (held.has(host)) continue;
      const bucket = host.buckets[replica % Math.max(1, host.buckets.length)];
      const token = bucket ? bucket.take(now) : true;
      if (token !== true) {
        held.add(host);
        // DigestStore.postponeRegistry: every reference of the host due before then waits.
        for (const other of this.refs) {
          if (other.host === host && other.nextCheck < token) {
            other.nextCheck = token;
          }
        }
        continue;
      }
      this.checks++;
      host.heads.push(now);
      host.checked.add(ref.base);
      const latest = this.latest(ref.base);
      if (latest !== ref.seen) {
        bucket?.takeOnCredit(now);
        host.gets.push(now);
        ref.seen = latest;
        this.firstSeen[ref.base].set(latest, now);
        this.onSeen(ref.base, latest, now);
      }
      if (ref.lastCheck !== undefined) host.checkGaps.push(now - ref.lastCheck);
      ref.lastCheck = now;
      const jitter = 1 + this.params.jitter * (2 * this.random.uniform() - 1);
      ref.nextCheck =
        now + Math.round(host.params.intervalHours * HOUR * jitter);
    }
  }

  /** The version tracking has seen of a base. */
  seen(base: number): number {
    return this.refs[base].seen;
  }
}
