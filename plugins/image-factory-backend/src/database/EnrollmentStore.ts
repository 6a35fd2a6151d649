import {
  Enrollment,
  EnrollmentAction,
  EnrollmentState,
  EnrollmentSubject,
  EnrollmentSync,
  EnrollmentSyncState,
} from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { toDate } from './timestamps';

type Row = {
  id: string;
  action: string;
  subject?: string;
  image_name: string;
  state: string;
  requested_by: string;
  summary: string;
  reason: string | null;
  entry: string | null;
  repo: string;
  pr_number: number;
  pr_url: string;
  branch: string;
  created_at: string | Date;
  updated_at: string | Date;
  edit?: string | null;
  base_sha?: string | null;
  head_sha?: string | null;
  sync_state?: string | null;
  sync_message?: string | null;
  synced_at?: string | Date | null;
  sync_base_sha?: string | null;
};

/**
 * What the factory needs to apply a change request again on a new base: what
 * was asked, and the commits it made.
 */
export interface EnrollmentBranchState {
  /** The request: `changes` of a change, and the entry it started from. */
  edit?: {
    changes?: Record<string, unknown>;
    previous?: Record<string, unknown>;
  };
  /** The base branch commit the change was last applied on. */
  baseSha?: string;
  /** The head commit the factory last made on the branch. */
  headSha?: string;
}

function toEnrollment(row: Row): Enrollment {
  return {
    id: row.id,
    action: row.action as EnrollmentAction,
    subject: (row.subject ?? 'image') as EnrollmentSubject,
    imageName: row.image_name,
    state: row.state as EnrollmentState,
    requestedBy: row.requested_by,
    createdAt: toDate(row.created_at).toISOString(),
    updatedAt: toDate(row.updated_at).toISOString(),
    summary: row.summary,
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.entry ? { entry: JSON.parse(row.entry) } : {}),
    pullRequest: {
      repo: row.repo,
      number: Number(row.pr_number),
      url: row.pr_url,
      branch: row.branch,
    },
    ...(row.sync_state
      ? {
          sync: {
            state: row.sync_state as EnrollmentSyncState,
            message: row.sync_message ?? '',
            at: toDate(row.synced_at!).toISOString(),
            baseSha: row.sync_base_sha ?? '',
          },
        }
      : {}),
  };
}

function toBranchState(row: Row): EnrollmentBranchState {
  return {
    ...(row.edit ? { edit: JSON.parse(row.edit) } : {}),
    ...(row.base_sha ? { baseSha: row.base_sha } : {}),
    ...(row.head_sha ? { headSha: row.head_sha } : {}),
  };
}

/** Remembers change requests and the state of their pull requests. */
export interface EnrollmentStore {
  add(enrollment: Enrollment, branch?: EnrollmentBranchState): Promise<void>;
  /** The open change requests, each with its branch's state. */
  listOpenBranches(): Promise<
    Array<{ enrollment: Enrollment; branch: EnrollmentBranchState }>
  >;
  /** Records the commits the factory made on a change request's branch. */
  setBranch(
    id: string,
    branch: { baseSha: string; headSha: string },
  ): Promise<void>;
  /** Records what the factory last did to keep the branch on its base. */
  setSync(id: string, sync: EnrollmentSync): Promise<void>;
  get(id: string): Promise<Enrollment | undefined>;
  /** Newest first. */
  list(filter?: { state?: EnrollmentState }): Promise<Enrollment[]>;
  findByPullRequest(
    repo: string,
    number: number,
  ): Promise<Enrollment | undefined>;
  /** The open request of an action on an image (or wheel set), if any. */
  findOpen(
    action: EnrollmentAction,
    imageName: string,
    subject?: EnrollmentSubject,
  ): Promise<Enrollment | undefined>;
  /** Sets the state if it changed; returns whether it did. */
  setState(id: string, state: EnrollmentState, now: Date): Promise<boolean>;
}

/** Keeps change requests in the plugin database. */
export class DatabaseEnrollmentStore implements EnrollmentStore {
  static create(options: { client: Knex }): DatabaseEnrollmentStore {
    return new DatabaseEnrollmentStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async add(e: Enrollment, branch: EnrollmentBranchState = {}): Promise<void> {
    await this.db<Row>('enrollments').insert({
      id: e.id,
      action: e.action,
      subject: e.subject ?? 'image',
      image_name: e.imageName,
      state: e.state,
      requested_by: e.requestedBy,
      summary: e.summary,
      reason: e.reason ?? null,
      entry: e.entry ? JSON.stringify(e.entry) : null,
      repo: e.pullRequest.repo,
      pr_number: e.pullRequest.number,
      pr_url: e.pullRequest.url,
      branch: e.pullRequest.branch,
      created_at: new Date(e.createdAt),
      updated_at: new Date(e.updatedAt),
      edit: branch.edit ? JSON.stringify(branch.edit) : null,
      base_sha: branch.baseSha ?? null,
      head_sha: branch.headSha ?? null,
    });
  }

  async listOpenBranches() {
    const rows = await this.db<Row>('enrollments')
      .where({ state: 'open' })
      .orderBy('created_at')
      .orderBy('id');
    return rows.map(row => ({
      enrollment: toEnrollment(row),
      branch: toBranchState(row),
    }));
  }

  async setBranch(id: string, branch: { baseSha: string; headSha: string }) {
    await this.db<Row>('enrollments')
      .where({ id })
      .update({ base_sha: branch.baseSha, head_sha: branch.headSha });
  }

  async setSync(id: string, sync: EnrollmentSync) {
    await this.db<Row>('enrollments')
      .where({ id })
      .update({
        sync_state: sync.state,
        sync_message: sync.message,
        synced_at: new Date(sync.at),
        sync_base_sha: sync.baseSha,
      });
  }

  async get(id: string): Promise<Enrollment | undefined> {
    const row = await this.db<Row>('enrollments').where({ id }).first();
    return row && toEnrollment(row);
  }

  async list(filter: { state?: EnrollmentState } = {}): Promise<Enrollment[]> {
    const query = this.db<Row>('enrollments')
      .select()
      .orderBy('created_at', 'desc')
      .orderBy('id');
    if (filter.state) query.where({ state: filter.state });
    return (await query).map(toEnrollment);
  }

  async findByPullRequest(repo: string, number: number) {
    const row = await this.db<Row>('enrollments')
      .where({ repo, pr_number: number })
      .first();
    return row && toEnrollment(row);
  }

  async findOpen(
    action: EnrollmentAction,
    imageName: string,
    subject: EnrollmentSubject = 'image',
  ) {
    const row = await this.db<Row>('enrollments')
      .where({ action, subject, image_name: imageName, state: 'open' })
      .orderBy('created_at', 'desc')
      .first();
    return row && toEnrollment(row);
  }

  async setState(id: string, state: EnrollmentState, now: Date) {
    const changed = await this.db<Row>('enrollments')
      .where({ id })
      .whereNot({ state })
      .update({ state, updated_at: now });
    return changed > 0;
  }
}
