import { Knex } from 'knex';
import { toDate } from './timestamps';

/** The stored analysis of one image's Dockerfile. */
export interface ImageBasesRecord {
  entityRef: string;
  /** The resolved bases, as the graph domain wrote them. */
  bases: unknown[];
  /** ETag of the Dockerfile as last read, if the host gave one. */
  etag?: string;
  /** Fingerprint of what the analysis depended on besides the file. */
  inputs?: string;
  analyzedAt: Date;
  /** When the Dockerfile was last read, changed or not; none before this was kept. */
  checkedAt?: Date;
  problems: string[];
}

/** The base images of each image, kept across restarts. */
export interface ImageBasesStore {
  list(): Promise<ImageBasesRecord[]>;
  /** Writes (inserts or replaces) these records, a few hundred to a statement. */
  putAll(records: ImageBasesRecord[]): Promise<void>;
  /** Notes that the Dockerfiles of `entityRefs` were read at `at` and had not changed. */
  markChecked(entityRefs: string[], at: Date): Promise<void>;
  /** Forgets every image not in `entityRefs`. */
  retain(entityRefs: string[]): Promise<void>;
  /**
   * A value that changes whenever a record is written or forgotten, so that a
   * replica that did not resolve knows when to read the records again.
   */
  stamp(): Promise<string>;
}

type Row = {
  entity_ref: string;
  bases: string;
  etag: string | null;
  inputs: string | null;
  analyzed_at: string | number | Date;
  checked_at: string | number | Date | null;
  problems: string;
};

function toRecord(row: Row): ImageBasesRecord {
  return {
    entityRef: row.entity_ref,
    bases: JSON.parse(row.bases),
    ...(row.etag ? { etag: row.etag } : {}),
    ...(row.inputs ? { inputs: row.inputs } : {}),
    analyzedAt: toDate(row.analyzed_at),
    ...(row.checked_at ? { checkedAt: toDate(row.checked_at) } : {}),
    problems: JSON.parse(row.problems),
  };
}

/** {@link ImageBasesStore} on the plugin's database. */
export class DatabaseImageBasesStore implements ImageBasesStore {
  static create(options: { client: Knex }): DatabaseImageBasesStore {
    return new DatabaseImageBasesStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async list(): Promise<ImageBasesRecord[]> {
    const rows = await this.db<Row>('image_bases').orderBy('entity_ref');
    return rows.map(toRecord);
  }

  async putAll(records: ImageBasesRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 100) {
      await this.db('image_bases')
        .insert(
          records.slice(i, i + 100).map(record => ({
            entity_ref: record.entityRef,
            bases: JSON.stringify(record.bases),
            etag: record.etag ?? null,
            inputs: record.inputs ?? null,
            analyzed_at: record.analyzedAt,
            checked_at: record.checkedAt ?? record.analyzedAt,
            problems: JSON.stringify(record.problems),
          })),
        )
        .onConflict('entity_ref')
        .merge();
    }
  }

  async markChecked(entityRefs: string[], at: Date): Promise<void> {
    for (let i = 0; i < entityRefs.length; i += 500) {
      await this.db('image_bases')
        .whereIn('entity_ref', entityRefs.slice(i, i + 500))
        .update({ checked_at: at });
    }
  }

  async stamp(): Promise<string> {
    const row = await this.db('image_bases')
      .count({ n: '*' })
      .max({ at: 'analyzed_at' })
      .first();
    const at = row?.at;
    return `${Number(row?.n ?? 0)}:${at ? toDate(at).getTime() : 0}`;
  }

  async retain(entityRefs: string[]): Promise<void> {
    const keep = new Set(entityRefs);
    const present = await this.db<Row>('image_bases').select('entity_ref');
    const gone = present.map(r => r.entity_ref).filter(e => !keep.has(e));
    for (let i = 0; i < gone.length; i += 500) {
      await this.db('image_bases')
        .whereIn('entity_ref', gone.slice(i, i + 500))
        .delete();
    }
  }
}
