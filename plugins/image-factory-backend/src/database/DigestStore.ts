import { Knex } from 'knex';
import { storedReferenceKey as key } from './storedReferenceKey';
import { toDate } from './timestamps';

/** A reference the factory polls, with its check schedule. */
export interface WatchedReference {
  /** Canonical image reference (`registry/repository:tag`). */
  reference: string;
  /** Registry host of the reference. */
  registry: string;
  nextCheckAt: Date;
  lastCheckedAt?: Date;
  /** `name: message` of the last failed check; absent after a success. */
  lastError?: string;
}

/** One platform's manifest inside an image index. */
export interface PlatformDigest {
  /** `os/arch[/variant]`, e.g. `linux/arm64/v8`. */
  platform: string;
  digest: string;
}

/** What one successful check saw. */
export interface DigestObservation {
  /** Digest of the manifest or index the reference points at. */
  digest: string;
  /** Each platform's child digest when `digest` is an image index; else empty. */
  platforms: PlatformDigest[];
}

/** A digest as the factory knows it. */
export interface ObservedDigest {
  /** `''` for the manifest or index itself, else `os/arch[/variant]`. */
  platform: string;
  digest: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** What the current digests of a reference are. */
export interface CurrentDigests {
  reference: string;
  /** The manifest or index itself. */
  digest: ObservedDigest;
  /** Each platform's child, sorted by platform. */
  platforms: ObservedDigest[];
}

/** The manifest or index digests a reference has had. */
export interface DigestHistory {
  /** When the factory first saw any digest of the reference; absent before the first observation. */
  watchedSince?: Date;
  /** The newest digests, most recently seen first: the current one leads once observed. */
  digests: ObservedDigest[];
}

/** What an observation changed, compared with the one before it. */
export interface ObservationChange {
  reference: string;
  /** The digest before, absent on the first observation. */
  previousDigest?: string;
  digest: string;
  /** Whether the manifest or index digest differs from the previous one (false on the first). */
  digestChanged: boolean;
  /** When the factory first saw `digest`, kept when a digest comes back. */
  firstSeenAt: Date;
  /** Platforms whose child digest changed or which are new (empty on the first observation). */
  changedPlatforms: string[];
  /** Platforms the previous index had and this one lacks. */
  removedPlatforms: string[];
}

/** The outcome of a check, for the schedule. */
export interface CheckOutcome {
  checkedAt: Date;
  nextCheckAt: Date;
  /** `name: message` of the failure; absent on success, which clears the last error. */
  error?: string;
}

/**
 * Keeps watched references, their schedule and the digests observed for
 * them. References are keyed by their canonical form: any spelling Docker
 * treats as the same image (`ubuntu`, `docker.io/library/ubuntu:latest`)
 * finds the same rows.
 */
export interface DigestStore {
  /**
   * Makes `references` the watched set: new ones are due at `now`, present
   * ones keep their schedule, others stop being watched. Digest history is kept.
   */
  syncWatched(
    references: Array<{ reference: string; registry: string }>,
    now: Date,
  ): Promise<void>;
  listWatched(): Promise<WatchedReference[]>;
  /** Watched references whose next check is at or before `now`, earliest first. */
  listDue(now: Date): Promise<WatchedReference[]>;
  recordCheck(reference: string, outcome: CheckOutcome): Promise<void>;
  /** Moves every check of the registry host due before `until` to `until`. */
  postponeRegistry(registry: string, until: Date): Promise<void>;
  /** Makes watched references due at `now` (a registry said they changed); returns those watched. */
  markDue(references: string[], now: Date): Promise<string[]>;
  /** Records what a check saw and returns what changed. */
  recordObservation(
    reference: string,
    observation: DigestObservation,
    now: Date,
  ): Promise<ObservationChange>;
  /**
   * A check saw `digest` again: the current digests are marked seen at
   * `now`, in one statement. Returns false, changing nothing, when the
   * reference's current digest is not `digest` (none yet, or another
   * backend recorded a change meanwhile): the caller records the
   * observation with {@link DigestStore.recordObservation}.
   */
  confirmCurrent(
    reference: string,
    digest: string,
    now: Date,
  ): Promise<boolean>;
  /** The digests of the last observation, if any. */
  getCurrent(reference: string): Promise<CurrentDigests | undefined>;
  /**
   * The current digests of every observed reference, in one query: what a
   * planning pass or the graph compares with what it saw before.
   */
  listCurrent(): Promise<CurrentDigests[]>;
  /** Up to `limit` manifest or index digests of the reference, newest first, and when the first was seen. */
  getHistory(reference: string, limit: number): Promise<DigestHistory>;
  /** {@link DigestStore.getCurrent} of many references at once, by stored key (the observed ones). */
  getCurrentOf(references: string[]): Promise<Map<string, CurrentDigests>>;
  /** {@link DigestStore.getHistory} of many references at once, by stored key. */
  getHistoryOf(
    references: string[],
    limit: number,
  ): Promise<Map<string, DigestHistory>>;
}

type ReferenceRow = {
  reference: string;
  registry: string;
  next_check_at: string | number | Date;
  last_checked_at: string | number | Date | null;
  last_error: string | null;
};

type DigestRow = {
  reference: string;
  platform: string;
  digest: string;
  first_seen_at: string | number | Date;
  last_seen_at: string | number | Date;
  current: boolean | number;
};

const INDEX_PLATFORM = '';
// Stays under SQLite's bound-variable limit for any number of references.
const CHUNK = 200;

function toWatched(row: ReferenceRow): WatchedReference {
  return {
    reference: row.reference,
    registry: row.registry,
    nextCheckAt: toDate(row.next_check_at),
    ...(row.last_checked_at
      ? { lastCheckedAt: toDate(row.last_checked_at) }
      : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
  };
}

function toObserved(row: DigestRow): ObservedDigest {
  return {
    platform: row.platform,
    digest: row.digest,
    firstSeenAt: toDate(row.first_seen_at),
    lastSeenAt: toDate(row.last_seen_at),
  };
}

/**
 * Calls made in one synchronous run (a `Promise.all` over every reference of
 * the status page) answered by one batched read, instead of a round trip each.
 */
class Coalescer<T> {
  private pending?: { keys: Set<string>; result: Promise<Map<string, T>> };

  constructor(
    private readonly read: (keys: string[]) => Promise<Map<string, T>>,
  ) {}

  get(wanted: string): Promise<T | undefined> {
    if (!this.pending) {
      const keys = new Set<string>();
      const result = new Promise<void>(resolve => queueMicrotask(resolve)).then(
        () => {
          this.pending = undefined;
          return this.read([...keys]);
        },
      );
      this.pending = { keys, result };
    }
    this.pending.keys.add(wanted);
    return this.pending.result.then(found => found.get(wanted));
  }
}

/** Keeps tracking state in the plugin database. */
export class DatabaseDigestStore implements DigestStore {
  static create(options: { client: Knex }): DatabaseDigestStore {
    return new DatabaseDigestStore(options.client);
  }

  private readonly current = new Coalescer(refs => this.getCurrentOf(refs));
  private readonly histories = new Map<number, Coalescer<DigestHistory>>();

  private constructor(private readonly db: Knex) {}

  async syncWatched(
    references: Array<{ reference: string; registry: string }>,
    now: Date,
  ): Promise<void> {
    const unique = new Map(
      references.map(r => [
        key(r.reference),
        { ...r, reference: key(r.reference) },
      ]),
    );
    await this.db.transaction(async tx => {
      const existing = new Set(
        (await tx<ReferenceRow>('tracked_references').select('reference')).map(
          r => r.reference,
        ),
      );
      const added = [...unique.values()].filter(
        r => !existing.has(r.reference),
      );
      const removed = [...existing].filter(r => !unique.has(r));
      for (let i = 0; i < added.length; i += CHUNK) {
        await tx('tracked_references').insert(
          added.slice(i, i + CHUNK).map(r => ({
            reference: r.reference,
            registry: r.registry,
            next_check_at: now,
            last_checked_at: null,
            last_error: null,
          })),
        );
      }
      for (let i = 0; i < removed.length; i += CHUNK) {
        await tx('tracked_references')
          .whereIn('reference', removed.slice(i, i + CHUNK))
          .delete();
      }
    });
  }

  async listWatched(): Promise<WatchedReference[]> {
    const rows = await this.db<ReferenceRow>('tracked_references')
      .select()
      .orderBy('reference');
    return rows.map(toWatched);
  }

  async listDue(now: Date): Promise<WatchedReference[]> {
    const rows = await this.db<ReferenceRow>('tracked_references')
      .where('next_check_at', '<=', now)
      // Ties (a held host's references all wait for one time) go to the
      // reference asked least recently, never asked first: with a budget
      // smaller than the references need, the same names never win every
      // token.
      // (knex's `nulls: 'first'` drops the column's own order on SQLite.)
      .orderBy('next_check_at', 'asc')
      .orderByRaw('CASE WHEN last_checked_at IS NULL THEN 0 ELSE 1 END')
      .orderBy('last_checked_at', 'asc')
      .orderBy('reference', 'asc');
    return rows.map(toWatched);
  }

  async recordCheck(spelled: string, outcome: CheckOutcome): Promise<void> {
    const reference = key(spelled);
    const checked = {
      last_checked_at: outcome.checkedAt,
      last_error: outcome.error ?? null,
    };
    // A push reported after the check started may not have been seen by it:
    // the reference stays due instead of waiting a whole interval.
    await this.db('tracked_references')
      .where({ reference })
      .andWhere(q =>
        q.whereNull('pushed_at').orWhere('pushed_at', '<=', outcome.checkedAt),
      )
      .update({ ...checked, next_check_at: outcome.nextCheckAt });
    await this.db('tracked_references')
      .where({ reference })
      .andWhere('pushed_at', '>', outcome.checkedAt)
      .update(checked);
  }

  async markDue(references: string[], now: Date): Promise<string[]> {
    if (references.length === 0) return [];
    const watched = await this.db('tracked_references')
      .whereIn('reference', [...new Set(references.map(key))])
      .select('reference');
    const found = watched.map((w: { reference: string }) => w.reference);
    if (found.length > 0) {
      await this.db('tracked_references')
        .whereIn('reference', found)
        .update({ next_check_at: now, pushed_at: now });
    }
    return found.sort();
  }

  async postponeRegistry(registry: string, until: Date): Promise<void> {
    await this.db('tracked_references')
      .where({ registry })
      .andWhere('next_check_at', '<', until)
      .update({ next_check_at: until });
  }

  async recordObservation(
    spelled: string,
    observation: DigestObservation,
    now: Date,
  ): Promise<ObservationChange> {
    const reference = key(spelled);
    return this.db.transaction(async tx => {
      const before = await tx<DigestRow>('tracked_digests')
        .where({ reference, current: true })
        .select();
      const previous = new Map(before.map(r => [r.platform, r.digest]));
      // Postgres refuses to upsert one row twice in a statement.
      const seen = [
        ...new Map(
          [
            { platform: INDEX_PLATFORM, digest: observation.digest },
            ...observation.platforms,
          ].map(d => [`${d.platform} ${d.digest}`, d]),
        ).values(),
      ];
      await tx('tracked_digests')
        .where({ reference, current: true })
        .update({ current: false });
      for (let i = 0; i < seen.length; i += CHUNK) {
        await tx('tracked_digests')
          .insert(
            seen.slice(i, i + CHUNK).map(d => ({
              reference,
              platform: d.platform,
              digest: d.digest,
              first_seen_at: now,
              last_seen_at: now,
              current: true,
            })),
          )
          // A digest seen again keeps its first_seen_at.
          .onConflict(['reference', 'platform', 'digest'])
          .merge(['last_seen_at', 'current']);
      }
      const indexRow = await tx<DigestRow>('tracked_digests')
        .where({
          reference,
          platform: INDEX_PLATFORM,
          digest: observation.digest,
        })
        .first();
      const previousDigest = previous.get(INDEX_PLATFORM);
      const first = previousDigest === undefined;
      const present = new Set(observation.platforms.map(p => p.platform));
      return {
        reference,
        ...(first ? {} : { previousDigest }),
        digest: observation.digest,
        digestChanged: !first && previousDigest !== observation.digest,
        firstSeenAt: toDate(indexRow!.first_seen_at),
        changedPlatforms: first
          ? []
          : observation.platforms
              .filter(p => previous.get(p.platform) !== p.digest)
              .map(p => p.platform)
              .sort(),
        removedPlatforms: [...previous.keys()]
          .filter(p => p !== INDEX_PLATFORM && !present.has(p))
          .sort(),
      };
    });
  }

  async confirmCurrent(
    spelled: string,
    digest: string,
    now: Date,
  ): Promise<boolean> {
    const reference = key(spelled);
    // Most checks see nothing new: one UPDATE, not recordObservation's
    // transaction of five statements (a knex transaction leaves some 15 KB
    // that outlives the young generation: bench/tracking/oldSpaceGarbage.ts).
    const updated = await this.db('tracked_digests')
      .where({ reference, current: true })
      .whereExists(q =>
        q.select(this.db.raw('1')).from('tracked_digests as seen').where({
          'seen.reference': reference,
          'seen.platform': INDEX_PLATFORM,
          'seen.digest': digest,
          'seen.current': true,
        }),
      )
      .update({ last_seen_at: now });
    return updated > 0;
  }

  async getCurrent(spelled: string): Promise<CurrentDigests | undefined> {
    return this.current.get(key(spelled));
  }

  async getCurrentOf(spelled: string[]): Promise<Map<string, CurrentDigests>> {
    const references = [...new Set(spelled.map(key))];
    const found = new Map<string, CurrentDigests>();
    for (let i = 0; i < references.length; i += CHUNK) {
      const rows = await this.db<DigestRow>('tracked_digests')
        .where({ current: true })
        .whereIn('reference', references.slice(i, i + CHUNK))
        .orderBy([
          { column: 'reference', order: 'asc' },
          { column: 'platform', order: 'asc' },
        ]);
      for (const current of groupCurrent(rows)) {
        found.set(current.reference, current);
      }
    }
    return found;
  }

  async listCurrent(): Promise<CurrentDigests[]> {
    const rows = await this.db<DigestRow>('tracked_digests')
      .where({ current: true })
      .orderBy([
        { column: 'reference', order: 'asc' },
        { column: 'platform', order: 'asc' },
      ]);
    return groupCurrent(rows);
  }

  async getHistory(spelled: string, limit: number): Promise<DigestHistory> {
    let batch = this.histories.get(limit);
    if (!batch) {
      batch = new Coalescer(refs => this.getHistoryOf(refs, limit));
      this.histories.set(limit, batch);
    }
    return (await batch.get(key(spelled))) ?? { digests: [] };
  }

  async getHistoryOf(
    spelled: string[],
    limit: number,
  ): Promise<Map<string, DigestHistory>> {
    const references = [...new Set(spelled.map(key))];
    const found = new Map<string, DigestHistory>();
    for (let i = 0; i < references.length; i += CHUNK) {
      // Window functions (SQLite 3.25+, PostgreSQL): each reference's newest
      // `limit` index digests and its first sighting, in one query.
      const ranked = this.db('tracked_digests')
        .select('*')
        .select(
          this.db.raw(
            'row_number() over (partition by reference order by last_seen_at desc, first_seen_at desc, digest asc) as history_rank',
          ),
          this.db.raw(
            'min(first_seen_at) over (partition by reference) as watched_since',
          ),
        )
        .where({ platform: INDEX_PLATFORM })
        .whereIn('reference', references.slice(i, i + CHUNK));
      const rows: Array<
        DigestRow & { watched_since: DigestRow['first_seen_at'] }
      > = await this.db
        .from(ranked.as('ranked'))
        .where('history_rank', '<=', limit)
        .orderBy([
          { column: 'reference', order: 'asc' },
          { column: 'history_rank', order: 'asc' },
        ]);
      for (const row of rows) {
        const history = found.get(row.reference) ?? {
          watchedSince: toDate(row.watched_since),
          digests: [],
        };
        history.digests.push(toObserved(row));
        found.set(row.reference, history);
      }
    }
    for (const reference of references) {
      if (!found.has(reference)) found.set(reference, { digests: [] });
    }
    return found;
  }
}

/** Rows of current digests, sorted by reference and platform, as each reference's current digests. */
function groupCurrent(rows: DigestRow[]): CurrentDigests[] {
  const found: CurrentDigests[] = [];
  for (let i = 0; i < rows.length; ) {
    const reference = rows[i].reference;
    let end = i;
    while (end < rows.length && rows[end].reference === reference) end++;
    const own = rows.slice(i, end);
    i = end;
    const index = own.find(r => r.platform === INDEX_PLATFORM);
    if (!index) continue;
    found.push({
      reference,
      digest: toObserved(index),
      platforms: own.filter(r => r !== index).map(toObserved),
    });
  }
  return found;
}
