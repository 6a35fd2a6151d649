import {
  BucketLimits,
  BucketState,
  RegistryBudgetStore,
  RegistryHostNotes,
  RegistryHostRecord,
  TakeNeed,
} from '../database';
import { TokenBucket } from './TokenBucket';

const MINUTE_MS = 60 * 1000;
const DAY_MINUTES = 24 * 60;

interface HostState extends RegistryHostNotes {
  bucket?: TokenBucket;
  /** Requests sent per minute since the epoch, for the last day. */
  sent: Map<number, number>;
}

/**
 * Budgets in the memory of one process, which start again (full) with it:
 * for tests, benches and a watcher made without a database.
 */
export class MemoryRegistryBudgetStore implements RegistryBudgetStore {
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly countingSince: Date = new Date()) {}

  async take(
    host: string,
    limits: BucketLimits | undefined,
    need: TakeNeed,
    now: Date,
  ): Promise<true | BucketState> {
    const state = this.state(host);
    if (limits) {
      state.bucket ??= new TokenBucket({ ...limits, now: this.countingSince });
      const bucket = state.bucket;
      if (need === 'credit') bucket.takeOnCredit(now);
      else if (!bucket.tryTakeAbove(need - 1, now)) {
        return { tokens: bucket.available(now), at: now };
      }
    }
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    state.sent.set(minute, (state.sent.get(minute) ?? 0) + 1);
    for (const key of state.sent.keys()) {
      if (key <= minute - DAY_MINUTES) state.sent.delete(key);
    }
    return true;
  }

  async note(host: string, notes: RegistryHostNotes): Promise<void> {
    Object.assign(this.state(host), notes);
  }

  async list(
    now: Date,
  ): Promise<{ countingSince: Date; hosts: RegistryHostRecord[] }> {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    const sentSince = (state: HostState, minutes: number) =>
      [...state.sent]
        .filter(([key]) => key > minute - minutes && key <= minute)
        .reduce((total, [, count]) => total + count, 0);
    return {
      countingSince: this.countingSince,
      hosts: [...this.hosts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([host, state]) => ({
          host,
          ...(state.bucket && {
            bucket: { tokens: state.bucket.available(now), at: now },
          }),
          requestsLastHour: sentSince(state, 60),
          requestsLastDay: sentSince(state, DAY_MINUTES),
          ...(state.reported && { reported: state.reported }),
          ...(state.postponed && { postponed: state.postponed }),
          ...(state.lastError && { lastError: state.lastError }),
        })),
    };
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { sent: new Map() };
      this.hosts.set(host, state);
    }
    return state;
  }
}
