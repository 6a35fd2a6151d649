import {
  BuildCause,
  BuildInputs,
} from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { toDate } from './timestamps';

/** A succeeded run with what the catalog needs of it. */
export interface SucceededRun {
  id: string;
  imageName: string;
  entityRef: string;
  cause: BuildCause;
  inputs: BuildInputs;
  reference: string;
  indexDigest: string;
  finishedAt: Date;
  platforms: Array<{ platform: string; digest: string; executor?: string }>;
}

/** Read-only views of the build ledger for the catalog and for metrics. */
export interface BuildArtifactStore {
  /** The last `perImage` succeeded runs of each image, newest first per image. */
  lastSucceededPerImage(perImage: number): Promise<SucceededRun[]>;
  /** Runs waiting in the queue. */
  queueDepth(): Promise<number>;
}

type Row = {
  id: string;
  image_name: string;
  entity_ref: string;
  cause: string;
  inputs: string;
  reference: string | null;
  index_digest: string | null;
  finished_at: string | number | Date;
};

type PlatformRow = {
  run_id: string;
  platform: string;
  digest: string | null;
  executor: string | null;
};

/** {@link BuildArtifactStore} on the tables of `DatabaseBuildStore`. */
export class DatabaseBuildArtifactStore implements BuildArtifactStore {
  static create(options: { client: Knex }): DatabaseBuildArtifactStore {
    return new DatabaseBuildArtifactStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async lastSucceededPerImage(perImage: number): Promise<SucceededRun[]> {
    // A window function keeps this one query however long the ledger grows;
    // SQLite (3.25+) and Postgres both have row_number().
    const ranked = this.db('build_runs')
      .select(
        'id',
        'image_name',
        'entity_ref',
        'cause',
        'inputs',
        'reference',
        'index_digest',
        'finished_at',
        this.db.raw(
          'row_number() over (partition by image_name order by finished_at desc, id desc) as rank',
        ),
      )
      .where('status', 'succeeded')
      .whereNotNull('index_digest')
      .whereNotNull('finished_at')
      .as('ranked');
    const rows: Row[] = await this.db
      .select('*')
      .from(ranked)
      .where('rank', '<=', perImage)
      .orderBy('image_name')
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'desc');
    if (rows.length === 0) return [];
    const platformRows: PlatformRow[] = await this.db('build_platforms')
      .select('run_id', 'platform', 'digest', 'executor')
      .whereIn(
        'run_id',
        rows.map(r => r.id),
      )
      .orderBy('platform');
    const byRun = new Map<string, PlatformRow[]>();
    for (const p of platformRows) {
      byRun.set(p.run_id, [...(byRun.get(p.run_id) ?? []), p]);
    }
    return rows.map(row => ({
      id: row.id,
      imageName: row.image_name,
      entityRef: row.entity_ref,
      cause: row.cause as BuildCause,
      inputs: JSON.parse(row.inputs) as BuildInputs,
      reference: row.reference ?? '',
      indexDigest: row.index_digest!,
      finishedAt: toDate(row.finished_at),
      platforms: (byRun.get(row.id) ?? [])
        .filter(p => p.digest)
        .map(p => ({
          platform: p.platform,
          digest: p.digest!,
          ...(p.executor ? { executor: p.executor } : {}),
        })),
    }));
  }

  async queueDepth(): Promise<number> {
    const [row] = await this.db('build_runs')
      .where('status', 'queued')
      .count({ count: '*' });
    return Number(row?.count ?? 0);
  }
}
