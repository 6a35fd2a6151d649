import { ConflictError } from '@backstage/errors';
import { ImageStageMove } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { toDate } from './timestamps';

/** What one stage of an image holds. */
export interface StageStateRecord {
  stage: string;
  digest: string;
  previousDigest?: string;
  updatedAt: Date;
  updatedBy?: string;
}

/** A move as the store keeps it. */
export interface StageMoveRecord
  extends Omit<ImageStageMove, 'createdAt' | 'finishedAt'> {
  imageName: string;
  createdAt: Date;
  finishedAt?: Date;
}

type StateRow = {
  image_name: string;
  stage: string;
  digest: string;
  previous_digest: string | null;
  updated_at: string | number | Date;
  updated_by: string | null;
};

type MoveRow = {
  id: string;
  image_name: string;
  stage: string;
  action: 'promote' | 'rollback';
  from_digest: string | null;
  to_digest: string;
  requested_by: string | null;
  reason: string | null;
  status: 'pending' | 'done' | 'failed';
  error: string | null;
  created_at: string | number | Date;
  finished_at: string | number | Date | null;
};

function toMove(row: MoveRow): StageMoveRecord {
  return {
    id: row.id,
    imageName: row.image_name,
    stage: row.stage,
    action: row.action,
    ...(row.from_digest && { fromDigest: row.from_digest }),
    toDigest: row.to_digest,
    ...(row.requested_by && { requestedBy: row.requested_by }),
    ...(row.reason && { reason: row.reason }),
    status: row.status,
    ...(row.error && { error: row.error }),
    createdAt: toDate(row.created_at),
    ...(row.finished_at && { finishedAt: toDate(row.finished_at) }),
  };
}

/**
 * Lifecycle stages in the plugin database: what each stage holds, and each
 * move of a stage tag. A move is `pending` from before the registry is
 * asked until the tag moved; only then does the stage's state change, in
 * the same transaction that marks the move done.
 */
export class StageStore {
  static create(options: { client: Knex }): StageStore {
    return new StageStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async states(imageName: string): Promise<StageStateRecord[]> {
    const rows = await this.db<StateRow>('stage_states').where({
      image_name: imageName,
    });
    return rows.map(r => ({
      stage: r.stage,
      digest: r.digest,
      ...(r.previous_digest && { previousDigest: r.previous_digest }),
      updatedAt: toDate(r.updated_at),
      ...(r.updated_by && { updatedBy: r.updated_by }),
    }));
  }

  /** Records a move as pending; a stage with a pending move takes no other. */
  async begin(move: StageMoveRecord): Promise<void> {
    await this.db.transaction(async tx => {
      const pending = await tx<MoveRow>('stage_moves')
        .where({
          image_name: move.imageName,
          stage: move.stage,
          status: 'pending',
        })
        .first();
      if (pending) {
        throw new ConflictError(
          `stage: ${move.stage} of ${move.imageName} is being moved already (move ${pending.id})`,
        );
      }
      await tx('stage_moves').insert({
        id: move.id,
        image_name: move.imageName,
        stage: move.stage,
        action: move.action,
        from_digest: move.fromDigest ?? null,
        to_digest: move.toDigest,
        requested_by: move.requestedBy ?? null,
        reason: move.reason ?? null,
        status: 'pending',
        error: null,
        created_at: move.createdAt,
        finished_at: null,
      });
    });
  }

  /** The tag moved: the stage holds the move's digest now. */
  async complete(id: string, now: Date): Promise<StageMoveRecord> {
    return this.db.transaction(async tx => {
      const row = await tx<MoveRow>('stage_moves').where({ id }).first();
      if (!row) throw new Error(`No stage move ${id}`);
      const current = await tx<StateRow>('stage_states')
        .where({ image_name: row.image_name, stage: row.stage })
        .first();
      await tx('stage_states')
        .insert({
          image_name: row.image_name,
          stage: row.stage,
          digest: row.to_digest,
          previous_digest:
            current && current.digest !== row.to_digest
              ? current.digest
              : current?.previous_digest ?? null,
          updated_at: now,
          updated_by: row.requested_by,
        })
        .onConflict(['image_name', 'stage'])
        .merge();
      await tx('stage_moves')
        .where({ id })
        .update({ status: 'done', finished_at: now });
      return toMove({ ...row, status: 'done', finished_at: now });
    });
  }

  /** The tag did not move: the stage keeps what it held. */
  async fail(id: string, error: string, now: Date): Promise<StageMoveRecord> {
    await this.db('stage_moves')
      .where({ id, status: 'pending' })
      .update({ status: 'failed', error, finished_at: now });
    const row = await this.db<MoveRow>('stage_moves').where({ id }).first();
    return toMove(row!);
  }

  /** Moves a backend stopped in the middle of, oldest first. */
  async pending(): Promise<StageMoveRecord[]> {
    const rows = await this.db<MoveRow>('stage_moves')
      .where({ status: 'pending' })
      .orderBy('created_at');
    return rows.map(toMove);
  }

  async moves(imageName: string, limit: number): Promise<StageMoveRecord[]> {
    const rows = await this.db<MoveRow>('stage_moves')
      .where({ image_name: imageName })
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(toMove);
  }
}
