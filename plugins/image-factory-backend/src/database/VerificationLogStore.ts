import { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { BuildLogStore } from './BuildLogStore';
import { toDate } from './timestamps';

type LogRow = {
  verification_id: string;
  seq: number;
  platform: string | null;
  stream: string;
  time: string | number | Date;
  text: string;
};

// Postgres allows 65535 bind parameters per statement; 6 per line.
const INSERT_CHUNK = 500;

/**
 * The log lines of stage verifications, in the shape of build logs: it is a
 * {@link BuildLogStore} keyed by verification id, so that the builds'
 * `BuildLog` (batching, secret removal, line cap) writes it and the build log
 * routes' readers can serve it.
 */
export class VerificationLogStore implements BuildLogStore {
  static create(options: { client: Knex }): VerificationLogStore {
    return new VerificationLogStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async append(verificationId: string, lines: BuildLogLine[]): Promise<void> {
    for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
      await this.db('stage_verification_logs').insert(
        lines.slice(i, i + INSERT_CHUNK).map(line => ({
          verification_id: verificationId,
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
    verificationId: string,
    options: { after: number; limit: number },
  ): Promise<BuildLogLine[]> {
    const rows = await this.db<LogRow>('stage_verification_logs')
      .where('verification_id', verificationId)
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

  async lastSeq(verificationId: string): Promise<number> {
    const row = await this.db('stage_verification_logs')
      .where('verification_id', verificationId)
      .max({ seq: 'seq' })
      .first();
    return Number(row?.seq ?? 0);
  }
}
