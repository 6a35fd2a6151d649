import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Enrollment,
  EnrollmentState,
} from '@image-factory/plugin-image-factory-common';
import { EnrollmentStore } from '../database';
import { BranchSync } from './BranchSync';
import { GitHubConfigRepository } from './GitHubConfigRepository';

/**
 * Follows the factory's pull requests: their merge or close (webhook or
 * poll), and the moves of their base branch, after which {@link BranchSync}
 * brings the open ones onto the new head.
 */
export class PullRequestFollower {
  private readonly branches: BranchSync;

  constructor(
    private readonly options: {
      repository: GitHubConfigRepository;
      store: EnrollmentStore;
      logger: LoggerService;
      /** Called after a pull request of the factory was merged. */
      onMerged: (enrollment: Enrollment) => Promise<void>;
      now?: () => Date;
    },
  ) {
    this.branches = new BranchSync(options);
  }

  /**
   * A `pull_request` webhook: a merged or closed pull request of the factory
   * updates its change request; a merge makes the factory read images.yaml.
   * Returns what was done, for the webhook's answer.
   */
  async pullRequestClosed(
    repo: string,
    number: number,
    merged: boolean,
  ): Promise<'updated' | 'unchanged' | 'unknown'> {
    const found = await this.options.store.findByPullRequest(repo, number);
    const changed =
      found && (await this.settle(found, merged ? 'merged' : 'closed'));
    // Any merge into the config repository may move the base of the others.
    if (merged && this.isConfigRepo(repo)) {
      await this.syncBranches();
    }
    if (!found) return 'unknown';
    return changed ? 'updated' : 'unchanged';
  }

  /** GitHub's owner and repository names are not case sensitive. */
  private isConfigRepo(repo: string) {
    return (
      repo.toLowerCase() === this.options.repository.repoName.toLowerCase()
    );
  }

  /**
   * A `push` webhook: when the base branch of the config repository moved,
   * the open pull requests are brought onto its new head. Returns whether it was that branch.
   */
  async pushed(repo: string, ref: string): Promise<boolean> {
    const { repository } = this.options;
    if (
      !this.isConfigRepo(repo) ||
      ref !== `refs/heads/${repository.target.branch}`
    ) {
      return false;
    }
    await this.syncBranches();
    return true;
  }

  /** Re-applies open change requests whose base moved; never throws. */
  async syncBranches() {
    try {
      return await this.branches.syncOpen();
    } catch (error) {
      this.options.logger.warn('Could not bring pull requests up to date', {
        error: String(error),
      });
      return new Map();
    }
  }

  /** The fallback when no webhook arrives: asks GitHub about open requests. */
  async pollOpen(): Promise<void> {
    const open = await this.options.store.list({ state: 'open' });
    for (const enrollment of open) {
      try {
        const pr = await this.options.repository.getPullRequest(
          enrollment.pullRequest.number,
        );
        if (pr.state !== 'open') await this.settle(enrollment, pr.state);
      } catch (error) {
        this.options.logger.warn(
          `Could not check pull request #${enrollment.pullRequest.number} of ${enrollment.summary}: ${error}`,
        );
      }
    }
    // Without webhooks, this is also where a moved base branch is noticed.
    await this.syncBranches();
  }

  /** Records a pull request's end; a merge makes the factory read images.yaml. */
  async settle(
    enrollment: Enrollment,
    state: EnrollmentState,
  ): Promise<boolean> {
    const now = this.options.now?.() ?? new Date();
    const changed = await this.options.store.setState(
      enrollment.id,
      state,
      now,
    );
    if (!changed) return false;
    this.options.logger.info(
      `Change request ${state}: ${enrollment.summary} (${enrollment.pullRequest.url})`,
    );
    if (state === 'merged') {
      await this.options.onMerged({ ...enrollment, state });
      // The branch has served its purpose; GitHub may have deleted it already.
      await this.options.repository
        .deleteBranch(enrollment.pullRequest.branch)
        .catch(error =>
          this.options.logger.warn(
            `Could not delete the merged branch ${enrollment.pullRequest.branch}: ${error}`,
          ),
        );
    }
    return true;
  }
}
