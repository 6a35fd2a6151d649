import { ConflictError } from '@backstage/errors';
import { ImageStageMove } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { timestampStamp, toDate } from './timestamps';

/** What one stage of an image holds. */
export interface StageStateRecord {
  imageName: string;
  stage: string;
  digest: string;
  previousDigest?: string;
  updatedAt: Date;
  updatedBy?: string;
}

/** A move as the store keeps it. */
export interface StageMoveRecord
  extends Omit<ImageStageMove, 'createdAt' | 'finishedAt' | 'decidedAt'> {
  imageName: string;
  createdAt: Date;
  finishedAt?: Date;
  decidedAt?: Date;
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
  status: StageMoveRecord['status'];
  error: string | null;
  created_at: string | number | Date;
  finished_at: string | number | Date | null;
  waiting_for: 'verification' | 'approval' | null;
  trigger: 'user' | 'auto';
  verification_id: string | null;
  decided_by: string | null;
  decision_reason: string | null;
  decided_at: string | number | Date | null;
};

/** A move not ended yet. */
const ACTIVE = ['waiting', 'pending'];
/** Image names per query: far below SQLite's and PostgreSQL's bound variables. */
const CHUNK = 500;

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
    ...(row.waiting_for && { waitingFor: row.waiting_for }),
    trigger: row.trigger ?? 'user',
    ...(row.verification_id && { verificationId: row.verification_id }),
    ...(row.decided_by && { decidedBy: row.decided_by }),
    ...(row.decision_reason && { decisionReason: row.decision_reason }),
    ...(row.decided_at && { decidedAt: toDate(row.decided_at) }),
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
    return this.statesOf([imageName]);
  }

  /** Every digest the image's stages hold or held just before (for a rollback). */
  async heldDigests(imageName: string): Promise<string[]> {
    const states = await this.states(imageName);
    return [
      ...new Set(
        states.flatMap(s => [
          s.digest,
          ...(s.previousDigest ? [s.previousDigest] : []),
        ]),
      ),
    ];
  }

  /** The stage states of several images in one query. */
  async statesOf(imageNames: string[]): Promise<StageStateRecord[]> {
    if (imageNames.length === 0) return [];
    const rows = await this.db<StateRow>('stage_states').whereIn(
      'image_name',
      imageNames,
    );
    return rows.map(r => ({
      imageName: r.image_name,
      stage: r.stage,
      digest: r.digest,
      ...(r.previous_digest && { previousDigest: r.previous_digest }),
      updatedAt: toDate(r.updated_at),
      ...(r.updated_by && { updatedBy: r.updated_by }),
    }));
  }

  /** Which of these images have a stage state, in chunked queries. */
  async withStates(imageNames: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < imageNames.length; i += CHUNK) {
      const rows = await this.db<StateRow>('stage_states')
        .distinct('image_name')
        .whereIn('image_name', imageNames.slice(i, i + CHUNK));
      for (const r of rows) found.add(r.image_name);
    }
    return found;
  }

  /**
   * Changes whenever a stage state is written or a move waits for something
   * else: the stage states' count and newest write, and the waiting moves
   * (few, read by their status index).
   */
  async overviewStamp(): Promise<string> {
    const states = await this.db<StateRow>('stage_states')
      .count({ n: '*' })
      .max({ at: 'updated_at' })
      .first();
    const waiting = await this.db<MoveRow>('stage_moves')
      .where({ status: 'waiting' })
      .select('id', 'waiting_for')
      .orderBy('id');
    return [
      String(states?.n ?? 0),
      timestampStamp(states?.at),
      ...waiting.map(m => `${m.id}:${m.waiting_for ?? ''}`),
    ].join('/');
  }

  /** Names of the images with a stage state changed, or a move begun or ended, at or after `since`. */
  async changedSince(since: Date): Promise<string[]> {
    const states = await this.db<StateRow>('stage_states')
      .distinct('image_name')
      .where('updated_at', '>=', since);
    const moves = await this.db<MoveRow>('stage_moves')
      .distinct('image_name')
      .where('created_at', '>=', since)
      .orWhere('finished_at', '>=', since);
    return [...new Set([...states, ...moves].map(r => r.image_name))];
  }

  /**
   * Records a move as pending (or waiting for its gates); a stage with a
   * move not ended yet takes no other.
   */
  async begin(move: StageMoveRecord): Promise<void> {
    await this.db.transaction(async tx => {
      const active = await tx<MoveRow>('stage_moves')
        .where({ image_name: move.imageName, stage: move.stage })
        .whereIn('status', ACTIVE)
        .first();
      if (active) {
        throw new ConflictError(
          `stage: ${move.stage} of ${
            move.imageName
          } is being moved already (move ${active.id}, ${
            active.waiting_for ? `waiting for ${active.waiting_for}` : 'pending'
          })`,
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
        status: move.status,
        error: null,
        created_at: move.createdAt,
        finished_at: null,
        waiting_for: move.waitingFor ?? null,
        trigger: move.trigger,
        verification_id: move.verificationId ?? null,
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
        .update({ status: 'done', finished_at: now, waiting_for: null });
      return toMove({
        ...row,
        status: 'done',
        finished_at: now,
        waiting_for: null,
      });
    });
  }

  /** The move ended without moving the tag: the stage keeps what it held. */
  async fail(
    id: string,
    error: string,
    now: Date,
    status: 'failed' | 'rejected' = 'failed',
  ): Promise<StageMoveRecord> {
    await this.db('stage_moves')
      .where({ id })
      .whereIn('status', ACTIVE)
      .update({ status, error, finished_at: now, waiting_for: null });
    return this.move(id);
  }

  /**
   * A waiting move passes a gate: it waits for the next one, or becomes
   * pending (its tag is moved next). False when it was not waiting any more
   * (another replica or request decided it first).
   */
  async advance(
    id: string,
    next: { waitingFor?: 'verification' | 'approval'; verificationId?: string },
  ): Promise<boolean> {
    const changed = await this.db('stage_moves')
      .where({ id, status: 'waiting' })
      .update({
        status: next.waitingFor ? 'waiting' : 'pending',
        waiting_for: next.waitingFor ?? null,
        ...(next.verificationId && { verification_id: next.verificationId }),
      });
    return changed === 1;
  }

  /** Records who approved or rejected a move waiting for approval. */
  async decide(
    id: string,
    decision: { by: string; reason?: string; at: Date },
  ): Promise<void> {
    await this.db('stage_moves')
      .where({ id, status: 'waiting', waiting_for: 'approval' })
      .update({
        decided_by: decision.by,
        decision_reason: decision.reason ?? null,
        decided_at: decision.at,
      });
  }

  async move(id: string): Promise<StageMoveRecord> {
    const row = await this.db<MoveRow>('stage_moves').where({ id }).first();
    if (!row) throw new Error(`No stage move ${id}`);
    return toMove(row);
  }

  /** Moves waiting for a gate, oldest first. */
  async waiting(): Promise<StageMoveRecord[]> {
    const rows = await this.db<MoveRow>('stage_moves')
      .where({ status: 'waiting' })
      .orderBy('created_at');
    return rows.map(toMove);
  }

  /** Whether a move of the digest into the stage ended without moving it. */
  async endedWithout(
    imageName: string,
    stage: string,
    digest: string,
  ): Promise<boolean> {
    const row = await this.db<MoveRow>('stage_moves')
      .where({ image_name: imageName, stage, to_digest: digest })
      .whereIn('status', ['failed', 'rejected'])
      .first();
    return Boolean(row);
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
