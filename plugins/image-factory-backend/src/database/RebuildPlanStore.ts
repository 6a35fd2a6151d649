import { storedReferenceKey } from './storedReferenceKey';
import {
  AuditEvent,
  BuildCause,
  RebuildReason,
  UpcomingRebuildState,
} from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { toDate } from './timestamps';

/** Where a reason comes from; decides whether the delay and quiet period apply. */
export type PlannedReasonKind =
  /** A base the factory watches got a new digest. */
  | 'external'
  /** A managed image this one is built FROM pushed a new build. */
  | 'upstream'
  /** A change further up the cascade, shown for context. */
  | 'inherited';

/** A reason as the planner keeps it. */
export interface PlannedReason extends RebuildReason {
  kind: PlannedReasonKind;
}

/** A rebuild the planner keeps, open until its run ends or nothing is left to do. */
export interface RebuildPlan {
  id: string;
  imageName: string;
  entityRef: string;
  /** `base-change` and `emergency`, or the images.yaml causes of automatic builds. */
  cause: Extract<
    BuildCause,
    'base-change' | 'emergency' | 'enrollment' | 'config-change' | 'scheduled'
  >;
  /** What changed in images.yaml (`config-change`), or the schedule (`scheduled`). */
  causeDetail?: string;
  state: UpcomingRebuildState | 'done' | 'superseded';
  open: boolean;
  reasons: PlannedReason[];
  platforms: string[];
  eligibleAt: Date;
  quietUntil?: Date;
  maxWaitUntil?: Date;
  waitingFor?: string[];
  blockedReason?: string;
  runId?: string;
  /** The run that failed: the plan stays blocked, and so does its cascade. */
  failedRunId?: string;
  depth: number;
  requestedBy?: string;
  justification?: string;
  createdAt: Date;
  updatedAt: Date;
  closedAt?: Date;
}

/** Rebuild plans and the images' audit trail. */
export interface RebuildPlanStore {
  /** Every open plan. */
  listOpen(): Promise<RebuildPlan[]>;
  /**
   * Inserts or replaces the plan (by id). With `ifUpdatedAt`, replaces it only
   * while it is as it was read (false otherwise), so a planner pass does not
   * undo an emergency rebuild asked for meanwhile.
   */
  save(plan: RebuildPlan, options?: { ifUpdatedAt?: Date }): Promise<boolean>;
  addAudit(event: AuditEvent): Promise<void>;
  /** Newest first. */
  listAudit(entityRef: string, limit: number): Promise<AuditEvent[]>;
  /** When tracking last saw the digest as the reference's manifest or index. */
  digestLastSeen(reference: string, digest: string): Promise<Date | undefined>;
}

type PlanRow = {
  id: string;
  image_name: string;
  entity_ref: string;
  cause: string;
  cause_detail: string | null;
  state: string;
  open: boolean | number;
  reasons: string;
  platforms: string;
  eligible_at: string | number | Date;
  quiet_until: string | number | Date | null;
  max_wait_until: string | number | Date | null;
  waiting_for: string | null;
  blocked_reason: string | null;
  run_id: string | null;
  failed_run_id: string | null;
  depth: number;
  requested_by: string | null;
  justification: string | null;
  created_at: string | number | Date;
  updated_at: string | number | Date;
  closed_at: string | number | Date | null;
};

type AuditRow = {
  id: string;
  entity_ref: string;
  action: string;
  actor: string;
  justification: string | null;
  summary: string;
  run_ids: string | null;
  at: string | number | Date;
};

const optionalDate = (value: string | number | Date | null) =>
  value === null ? undefined : toDate(value);

function toPlan(row: PlanRow): RebuildPlan {
  const plan: RebuildPlan = {
    id: row.id,
    imageName: row.image_name,
    entityRef: row.entity_ref,
    cause: row.cause as RebuildPlan['cause'],
    state: row.state as RebuildPlan['state'],
    open: Boolean(row.open),
    reasons: JSON.parse(row.reasons),
    platforms: JSON.parse(row.platforms),
    eligibleAt: toDate(row.eligible_at),
    depth: Number(row.depth),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
  if (row.quiet_until !== null) plan.quietUntil = toDate(row.quiet_until);
  if (row.max_wait_until !== null) {
    plan.maxWaitUntil = toDate(row.max_wait_until);
  }
  if (row.waiting_for !== null) plan.waitingFor = JSON.parse(row.waiting_for);
  if (row.blocked_reason !== null) plan.blockedReason = row.blocked_reason;
  if (row.run_id !== null) plan.runId = row.run_id;
  if (row.failed_run_id !== null) plan.failedRunId = row.failed_run_id;
  if (row.requested_by !== null) plan.requestedBy = row.requested_by;
  if (row.justification !== null) plan.justification = row.justification;
  if (row.cause_detail !== null) plan.causeDetail = row.cause_detail;
  const closedAt = optionalDate(row.closed_at);
  if (closedAt) plan.closedAt = closedAt;
  return plan;
}

function toRow(plan: RebuildPlan): PlanRow {
  return {
    id: plan.id,
    image_name: plan.imageName,
    entity_ref: plan.entityRef,
    cause: plan.cause,
    cause_detail: plan.causeDetail ?? null,
    state: plan.state,
    open: plan.open,
    reasons: JSON.stringify(plan.reasons),
    platforms: JSON.stringify(plan.platforms),
    eligible_at: plan.eligibleAt,
    quiet_until: plan.quietUntil ?? null,
    max_wait_until: plan.maxWaitUntil ?? null,
    waiting_for: plan.waitingFor ? JSON.stringify(plan.waitingFor) : null,
    blocked_reason: plan.blockedReason ?? null,
    run_id: plan.runId ?? null,
    failed_run_id: plan.failedRunId ?? null,
    depth: plan.depth,
    requested_by: plan.requestedBy ?? null,
    justification: plan.justification ?? null,
    created_at: plan.createdAt,
    updated_at: plan.updatedAt,
    closed_at: plan.closedAt ?? null,
  };
}

function toAudit(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    action: row.action,
    actor: row.actor,
    ...(row.justification !== null ? { justification: row.justification } : {}),
    at: toDate(row.at).toISOString(),
    summary: row.summary,
    ...(row.run_ids !== null ? { runIds: JSON.parse(row.run_ids) } : {}),
  };
}

/** {@link RebuildPlanStore} on the plugin's database. */
export class DatabaseRebuildPlanStore implements RebuildPlanStore {
  static create(options: { client: Knex }): DatabaseRebuildPlanStore {
    return new DatabaseRebuildPlanStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async listOpen(): Promise<RebuildPlan[]> {
    const rows = await this.db<PlanRow>('rebuild_plans')
      .whereNot('open', false)
      .orderBy('image_name');
    return rows.map(toPlan);
  }

  async save(
    plan: RebuildPlan,
    options: { ifUpdatedAt?: Date } = {},
  ): Promise<boolean> {
    if (options.ifUpdatedAt) {
      const updated = await this.db('rebuild_plans')
        .where({ id: plan.id, updated_at: options.ifUpdatedAt })
        .update(toRow(plan));
      return updated > 0;
    }
    await this.db('rebuild_plans').insert(toRow(plan)).onConflict('id').merge();
    return true;
  }

  async addAudit(event: AuditEvent): Promise<void> {
    await this.db('audit_events').insert({
      id: event.id,
      entity_ref: event.entityRef,
      action: event.action,
      actor: event.actor,
      justification: event.justification ?? null,
      summary: event.summary,
      run_ids: event.runIds ? JSON.stringify(event.runIds) : null,
      at: new Date(event.at),
    });
  }

  async listAudit(entityRef: string, limit: number): Promise<AuditEvent[]> {
    const rows = await this.db<AuditRow>('audit_events')
      .where('entity_ref', entityRef)
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toAudit);
  }

  async digestLastSeen(
    reference: string,
    digest: string,
  ): Promise<Date | undefined> {
    const row = await this.db('tracked_digests')
      .where({ reference: storedReferenceKey(reference), platform: '', digest })
      .first();
    return row ? toDate(row.last_seen_at) : undefined;
  }
}
