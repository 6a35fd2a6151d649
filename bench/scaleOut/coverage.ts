import { Organisation } from './organisation';
import { Run } from './state';

/** One new digest of a base and the images still to be rebuilt with it. */
export interface BaseUpdate {
  base: number;
  version: number;
  publishedAt: number;
  /** When tracking first saw this version or a newer one. */
  seenAt?: number;
  remaining: Set<number>;
  dependents: number;
  /** When the last dependent was rebuilt with it. */
  allDoneAt?: number;
  emergency: boolean;
}

/** One dependent rebuilt with an update: the stages of the way there, seconds. */
export interface Served {
  update: BaseUpdate;
  image: number;
  total: number;
  detect: number;
  plan: number;
  queue: number;
  build: number;
}

/**
 * Follows every published base digest to the images built FROM it, directly
 * or through a golden image, until each was rebuilt with it (or a newer one).
 */
export class Coverage {
  readonly updates: BaseUpdate[] = [];
  readonly served: Served[] = [];
  private readonly pending: BaseUpdate[][];

  constructor(private readonly org: Organisation) {
    this.pending = org.bases.map(() => []);
  }

  /** Every image whose build contains `base`: its dependents and theirs. */
  dependentsOf(base: number): Set<number> {
    const all = new Set<number>();
    const visit = (id: number) => {
      if (all.has(id)) return;
      all.add(id);
      for (const d of this.org.images[id].dependents) visit(d);
    };
    for (const id of this.org.bases[base].dependents) visit(id);
    return all;
  }

  published(base: number, version: number, at: number, emergency: boolean) {
    const remaining = this.dependentsOf(base);
    const update: BaseUpdate = {
      base,
      version,
      publishedAt: at,
      remaining,
      dependents: remaining.size,
      emergency,
    };
    this.updates.push(update);
    this.pending[base].push(update);
  }

  seen(base: number, version: number, at: number) {
    for (const u of this.pending[base]) {
      if (u.version <= version && u.seenAt === undefined) u.seenAt = at;
    }
  }

  /** A run succeeded: the updates its content includes are done for its image. */
  built(run: Run, at: number) {
    for (const [base, version] of run.content!) {
      const list = this.pending[base];
      for (const u of list) {
        if (u.version > version || !u.remaining.delete(run.image)) continue;
        const seenAt = u.seenAt ?? at;
        this.served.push({
          update: u,
          image: run.image,
          total: at - u.publishedAt,
          detect: seenAt - u.publishedAt,
          plan: Math.max(0, run.createdAt - seenAt),
          queue: run.claimedAt! - run.createdAt,
          build: at - run.claimedAt!,
        });
        if (u.remaining.size === 0) u.allDoneAt = at;
      }
      this.pending[base] = list.filter(u => u.remaining.size > 0);
    }
  }

  /** Updates with dependents still to rebuild. */
  open(): BaseUpdate[] {
    return this.pending.flat();
  }
}
