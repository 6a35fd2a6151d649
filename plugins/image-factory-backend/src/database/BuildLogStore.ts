import { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { toDate } from './timestamps';

type LogRow = {
  seq: number;
  platform: string | null;
  stream: string;
  time: string | number | Date;
  text: string;
};

// Postgres allows 65535 bind parameters per statement; 6 per line.
const INSERT_CHUNK = 500;

/** The log lines of build runs. */
export interface BuildLogStore {
  append(runId: string, lines: BuildLogLine[]): Promise<void>;
  /** Lines with `seq > after`, in order, at most `limit`. */
  read(
    runId: string,
    options: { after: number; limit: number },
  ): Promise<BuildLogLine[]>;
  /** The highest `seq` of a run, 0 without lines. */
  lastSeq(runId: string): Promise<number>;
}

/**
 * {@link BuildLogStore} on the plugin's database: build runs' logs in
 * `build_logs`, or another table of the same shape keyed by another id
 * (stage verifications' logs).
 */
export class DatabaseBuildLogStore implements BuildLogStore {
  static create(options: {
    client: Knex;
    table?: string;
    keyColumn?: string;
  }): DatabaseBuildLogStore {
    return new DatabaseBuildLogStore(
      options.client,
      options.table ?? 'build_logs',
      options.keyColumn ?? 'run_id',
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly table: string,
    private readonly keyColumn: string,
  ) {}

  async append(runId: string, lines: BuildLogLine[]): Promise<void> {
    for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
      await this.db(this.table).insert(
        lines.slice(i, i + INSERT_CHUNK).map(line => ({
          [this.keyColumn]: runId,
          seq: line.seq,
          platform: line.platform ?? null,
          stream: line.stream,
          time: new Date(line.time),
          text: line.text,
        })),
      );
    }
  }

  async read(
    runId: string,
    options: { after: number; limit: number },
  ): Promise<BuildLogLine[]> {
    const rows = await this.db<LogRow>(this.table)
      .where(this.keyColumn, runId)
      .where('seq', '>', options.after)
      .orderBy('seq')
      .limit(options.limit);
    return rows.map(row => ({
      seq: Number(row.seq),
      ...(row.platform ? { platform: row.platform } : {}),
      stream: row.stream as BuildLogLine['stream'],
      time: toDate(row.time).toISOString(),
      text: row.text,
    }));
  }

  async lastSeq(runId: string): Promise<number> {
    const row = await this.db(this.table)
      .where(this.keyColumn, runId)
      .max({ seq: 'seq' })
      .first();
    return Number(row?.seq ?? 0);
  }
}
