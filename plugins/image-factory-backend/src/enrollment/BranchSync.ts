import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Enrollment,
  EnrollmentSync,
} from '@image-factory/plugin-image-factory-common';
import { EnrollmentBranchState, EnrollmentStore } from '../database';
import { GitHubConfigRepository } from './GitHubConfigRepository';
import { configListOf } from './configLists';
import { reapplyEdit } from './reapplyEdit';

/** What one pass did to one change request, for logs and tests. */
export type BranchSyncOutcome =
  | 'up-to-date'
  | 'reapplied'
  | 'conflict'
  | 'foreign-commits'
  | 'not-open';

/**
 * Keeps the factory's pull request branches on top of the base branch. The
 * factory owns these branches: when the base moves (another pull request was
 * merged, someone pushed), it applies the change again to the new head with
 * the same comment-keeping edit and force-moves the branch to that one new
 * commit, so the pull request, its description and its conversation stay.
 * It says so in a comment and in the change request's `sync`. Only a real
 * conflict (the same entry changed twice) is left to the requester, with
 * what to do. A branch with commits the factory did not make is left alone.
 */
export class BranchSync {
  /** One pass at a time: a webhook and the poll may ask at once. */
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      repository: GitHubConfigRepository;
      store: EnrollmentStore;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  /** Brings every open change request onto the base branch's head. */
  syncOpen(): Promise<Map<string, BranchSyncOutcome>> {
    const pass = this.running.then(() => this.pass());
    this.running = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<Map<string, BranchSyncOutcome>> {
    const outcomes = new Map<string, BranchSyncOutcome>();
    for (const {
      enrollment,
      branch,
    } of await this.options.store.listOpenBranches()) {
      try {
        outcomes.set(enrollment.id, await this.syncOne(enrollment, branch));
      } catch (error) {
        this.options.logger.warn('Could not bring a pull request up to date', {
          pullRequest: enrollment.pullRequest.url,
          error: String(error),
        });
      }
    }
    return outcomes;
  }

  private async syncOne(
    enrollment: Enrollment,
    branch: EnrollmentBranchState,
  ): Promise<BranchSyncOutcome> {
    const { repository } = this.options;
    const pr = await repository.getPullRequest(enrollment.pullRequest.number);
    if (pr.state !== 'open') return 'not-open';
    if (branch.baseSha === pr.baseSha) return 'up-to-date';
    // Requests made before the factory recorded its commits: touch them only
    // when GitHub says they no longer merge.
    if (!branch.baseSha && pr.mergeable !== false) return 'up-to-date';
    if (enrollment.sync?.baseSha === pr.baseSha) {
      return enrollment.sync.state; // Already reported for this base.
    }
    if (branch.headSha && branch.headSha !== pr.headSha) {
      await this.record(
        enrollment,
        pr.baseSha,
        'foreign-commits',
        `The branch ${enrollment.pullRequest.branch} has commits the Image Factory did not make, so it no longer re-applies the change when ${repository.target.branch} moves. Resolve conflicts on the branch yourself, or close the pull request and ask again.`,
      );
      return 'foreign-commits';
    }

    const file = await repository.readListFile(
      pr.baseSha,
      configListOf(enrollment.subject),
    );
    const path = file.path;
    const where = `${path} on ${repository.target.branch}`;
    const result = reapplyEdit(enrollment, branch, file.text, where);
    if (!result.ok) {
      await this.record(
        enrollment,
        pr.baseSha,
        'conflict',
        `${result.conflict}.`,
      );
      return 'conflict';
    }
    const sha = await repository.commitOnto({
      parent: pr.baseSha,
      path,
      text: result.text,
      message: `${enrollment.summary}\n\nRe-applied by the Image Factory on ${
        repository.target.branch
      } at ${pr.baseSha.slice(0, 7)}; requested by ${enrollment.requestedBy}.`,
    });
    await repository.forceBranch(enrollment.pullRequest.branch, sha);
    await this.options.store.setBranch(enrollment.id, {
      baseSha: pr.baseSha,
      headSha: sha,
    });
    await this.record(
      enrollment,
      pr.baseSha,
      'reapplied',
      `${repository.target.branch} moved to ${pr.baseSha.slice(
        0,
        7,
      )}, so the Image Factory applied this change again on top of it (commit ${sha.slice(
        0,
        7,
      )}). Nothing else changed: review and merge as before.`,
    );
    return 'reapplied';
  }

  /** Notes what happened on the change request and in the pull request's conversation. */
  private async record(
    enrollment: Enrollment,
    baseSha: string,
    state: EnrollmentSync['state'],
    message: string,
  ) {
    const at = (this.options.now?.() ?? new Date()).toISOString();
    await this.options.store.setSync(enrollment.id, {
      state,
      message,
      at,
      baseSha,
    });
    const heading =
      state === 'reapplied'
        ? '**Re-applied on the new base**'
        : '**The Image Factory cannot update this pull request**';
    await this.options.repository.comment(
      enrollment.pullRequest.number,
      `${heading}\n\n${message}`,
    );
    this.options.logger.info('Change request branch synced', {
      pullRequest: enrollment.pullRequest.url,
      state,
      baseSha,
    });
  }
}
