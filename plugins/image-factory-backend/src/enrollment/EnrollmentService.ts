import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Enrollment,
  EnrollmentAction,
  EnrollmentResponse,
  EnrollmentState,
} from '@image-factory/plugin-image-factory-common';
import { EnrollmentStore } from '../database/EnrollmentStore';
import { assertBuildable, ProposalChecks } from './assertBuildable';
import { changeEdit, EditPlan, enrollEdit, unenrollEdit } from './entryEdits';
import { findSameOpenRequest } from './findSameOpenRequest';
import { GitHubConfigRepository } from './GitHubConfigRepository';
import { openChangeRequest } from './openChangeRequest';
import { planEdit } from './planEdit';
import { PullRequestFollower } from './PullRequestFollower';
import { assertOwns, Requester } from './requester';

export { fullOwnerRef } from './requester';
export type { Requester } from './requester';

/**
 * Turns requests from the portal into pull requests against images.yaml, and
 * follows those pull requests until they are merged (the approval) or closed.
 * Nothing is written before the checks pass, and a failure after the branch
 * was created deletes it again.
 */
export class EnrollmentService {
  constructor(
    private readonly options: {
      repository: GitHubConfigRepository;
      store: EnrollmentStore;
      logger: LoggerService;
      labels: string[];
      reviewers: string[];
      allowAnyOwner: boolean;
      /** What a proposed image must pass before anything is written. */
      checks?: ProposalChecks;
      /** Called after a pull request of the factory was merged. */
      onMerged: (enrollment: Enrollment) => Promise<void>;
      now?: () => Date;
    },
  ) {
    this.follower = new PullRequestFollower(options);
  }

  private readonly follower: PullRequestFollower;

  async enroll(
    request: {
      image: unknown;
      reason?: string;
      acceptUnbuiltPlatforms?: boolean;
    },
    requester: Requester,
  ): Promise<EnrollmentResponse> {
    const { name, owner, plan } = enrollEdit(request.image);
    assertOwns(requester, [owner], {
      what: 'enroll images for',
      allowAnyOwner: this.options.allowAnyOwner,
    });
    return this.propose('enroll', name, request, requester, plan);
  }

  async unenroll(
    name: string,
    request: { reason?: string },
    requester: Requester,
  ): Promise<EnrollmentResponse> {
    const plan = unenrollEdit(name, this.options.repository.target.path);
    return this.propose('unenroll', name, request, requester, plan);
  }

  async change(
    name: string,
    request: {
      changes: Record<string, unknown>;
      reason?: string;
      acceptUnbuiltPlatforms?: boolean;
    },
    requester: Requester,
  ): Promise<EnrollmentResponse> {
    const plan = changeEdit(
      name,
      request.changes,
      this.options.repository.target.path,
    );
    return this.propose('change', name, request, requester, plan);
  }

  async list(filter: { state?: EnrollmentState } = {}) {
    return this.options.store.list(filter);
  }

  async get(id: string): Promise<Enrollment> {
    const found = await this.options.store.get(id);
    if (!found) throw new NotFoundError(`No change request with id ${id}`);
    return found;
  }

  /** See {@link PullRequestFollower.pullRequestClosed}. */
  pullRequestClosed(repo: string, number: number, merged: boolean) {
    return this.follower.pullRequestClosed(repo, number, merged);
  }

  /** See {@link PullRequestFollower.pushed}. */
  pushed(repo: string, ref: string) {
    return this.follower.pushed(repo, ref);
  }

  /** See {@link PullRequestFollower.pollOpen}. */
  pollOpen() {
    return this.follower.pollOpen();
  }

  /**
   * Checks the edit against the file as it is on the base branch (owners,
   * buildability), answers with an open request for the same change, refuses
   * a different one, and otherwise opens a pull request.
   */
  private async propose(
    action: EnrollmentAction,
    name: string,
    request: { reason?: string; acceptUnbuiltPlatforms?: boolean },
    requester: Requester,
    plan: EditPlan,
  ): Promise<EnrollmentResponse> {
    const { repository, store } = this.options;
    const branch = `image-factory/${action}-${name}`;

    const { baseSha } = await repository.preflight();
    const file = await repository.readFile(baseSha);
    const edit = planEdit(
      plan,
      file.text,
      `${repository.repoName}/${repository.target.path}`,
    );
    assertOwns(requester, edit.owners, {
      what: `${action} images of`,
      allowAnyOwner: this.options.allowAnyOwner,
    });
    await assertBuildable(edit.parsed, {
      checks: this.options.checks ?? {},
      location: repository.target.path,
      acceptUnbuiltPlatforms: request.acceptUnbuiltPlatforms,
      scope: edit.scope,
    });

    const reused = await findSameOpenRequest(
      { repository, store, follower: this.follower },
      action,
      name,
      edit.entry,
    );
    if (reused) return { enrollment: reused, reused: true };
    const other = await repository.findOpenPullRequest(branch);
    if (other) {
      throw new ConflictError(
        `A pull request to ${action} ${name} is already open: ${other.url}; merge or close it first`,
      );
    }
    if (await repository.branchExists(branch)) {
      // Left by a pull request that was closed without merging.
      await repository.deleteBranch(branch);
    }

    const enrollment = await openChangeRequest(this.options, {
      action,
      name,
      branch,
      baseSha,
      file,
      edit,
      requester,
      reason: request.reason,
    });
    return { enrollment, reused: false };
  }
}
