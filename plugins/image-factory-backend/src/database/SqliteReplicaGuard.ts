import { LoggerService } from '@backstage/backend-plugin-api';
import { randomBytes } from 'crypto';
import { Knex } from 'knex';
import os from 'os';
import { isPostgres } from './buildRuns/rows';
import { toDate } from './timestamps';

const TABLE = 'backend_instances';

type Row = {
  id: string;
  host: string;
  pid: number;
  started_at: Date | string | number;
  seen_at: Date | string | number;
};

/**
 * SQLite serves one backend: two backends on one SQLite file would each
 * take leases the other cannot see the end of, and run work twice. Each
 * backend keeps a heartbeat row; one that sees another live backend's row
 * says so in its log (once per other backend), naming it and what to do.
 * PostgreSQL is made for replicas: nothing is kept there.
 */
export class SqliteReplicaGuard {
  private readonly id = `${os.hostname()}-${process.pid}-${randomBytes(
    3,
  ).toString('hex')}`;
  private readonly reported = new Set<string>();
  private timer?: NodeJS.Timeout;

  /** Starts the heartbeat on SQLite; undefined on PostgreSQL. */
  static async start(options: {
    client: Knex;
    logger: LoggerService;
    /** How often the row is refreshed; a row older than three beats is a stopped backend's. */
    heartbeatMs?: number;
    now?: () => Date;
  }): Promise<SqliteReplicaGuard | undefined> {
    if (isPostgres(options.client)) return undefined;
    const guard = new SqliteReplicaGuard(options);
    await guard.beat();
    guard.timer = setInterval(
      () =>
        void guard
          .beat()
          .catch(e => options.logger.warn(`Backend heartbeat failed: ${e}`)),
      guard.heartbeatMs,
    );
    guard.timer.unref();
    return guard;
  }

  private readonly heartbeatMs: number;

  private constructor(
    private readonly options: {
      client: Knex;
      logger: LoggerService;
      heartbeatMs?: number;
      now?: () => Date;
    },
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /** Refreshes this backend's row and reports other live ones. */
  async beat(): Promise<void> {
    const { client } = this.options;
    const now = this.now();
    const updated = await client<Row>(TABLE)
      .where({ id: this.id })
      .update({ seen_at: now });
    if (!updated) {
      await client<Row>(TABLE).insert({
        id: this.id,
        host: os.hostname(),
        pid: process.pid,
        started_at: now,
        seen_at: now,
      });
    }
    const live = new Date(now.getTime() - 3 * this.heartbeatMs);
    const rows = await client<Row>(TABLE).whereNot({ id: this.id });
    for (const row of rows) {
      if (toDate(row.seen_at) < live) continue;
      if (this.reported.has(row.id)) continue;
      this.reported.add(row.id);
      this.options.logger.warn(
        `Another Image Factory backend (host ${row.host}, pid ${row.pid}) uses this SQLite database: SQLite serves one backend, and two run builds twice and lose leases. Run more than one backend on PostgreSQL (backend.database.client: pg).`,
      );
    }
  }

  /** Stops the heartbeat and removes this backend's row. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.options.client<Row>(TABLE).where({ id: this.id }).delete();
  }
}
