import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Enrollment,
  EnrollmentAction,
  EnrollmentResponse,
  EnrollmentState,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';
import { EnrollmentStore } from '../database/EnrollmentStore';
import { assertBuildable, ProposalChecks } from './assertBuildable';
import { ConfigList, IMAGE_LIST, WHEEL_SET_LIST } from './configLists';
import {
  changeEdit,
  EditPlan,
  enrollEdit,
  EntryKind,
  IMAGE_ENTRIES,
  unenrollEdit,
  WHEEL_SET_ENTRIES,
} from './entryEdits';
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
      /** What a proposed wheel set must pass before anything is written. */
      checkWheelSet?: (set: WheelSet) => Promise<void> | void;
      /** Called after a pull request of the factory was merged. */
      onMerged: (enrollment: Enrollment) => Promise<void>;
      /** The names of the images built FROM an image, for an un-enroll's reviewers. */
      dependentsOf?: (name: string) => Promise<string[]>;
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
    return this.propose('enroll', name, request, requester, plan, IMAGE_LIST);
  }

  /** A pull request that adds a wheel set to the refinery's wheels.yaml. */
  async enrollWheelSet(
    request: { set: unknown; reason?: string },
    requester: Requester,
  ): Promise<EnrollmentResponse> {
    const { name, owner, plan } = enrollEdit(request.set, WHEEL_SET_ENTRIES);
    assertOwns(requester, [owner], {
      what: 'enroll wheel sets for',
      allowAnyOwner: this.options.allowAnyOwner,
    });
    return this.propose(
      'enroll',
      name,
      request,
      requester,
      plan,
      WHEEL_SET_LIST,
    );
  }

  /** A pull request that removes a wheel set from wheels.yaml. */
  async unenrollWheelSet(
    name: string,
    request: { reason?: string },
    requester: Requester,
  ) {
    return this.proposeOn(WHEEL_SET_ENTRIES, 'unenroll', name, request, {
      requester,
    });
  }

  /** A pull request that changes fields of a wheel set. */
  async changeWheelSet(
    name: string,
    request: { changes: Record<string, unknown>; reason?: string },
    requester: Requester,
  ) {
    return this.proposeOn(WHEEL_SET_ENTRIES, 'change', name, request, {
      requester,
      changes: request.changes,
    });
  }

  /** An un-enrollment or a change, of an entry in the file of `kind`. */
  private proposeOn(
    kind: EntryKind,
    action: 'unenroll' | 'change',
    name: string,
    request: { reason?: string; acceptUnbuiltPlatforms?: boolean },
    options: { requester: Requester; changes?: Record<string, unknown> },
  ) {
    const path = this.options.repository.pathOf(kind.list);
    const plan =
      action === 'unenroll'
        ? unenrollEdit(name, path, kind)
        : changeEdit(name, options.changes ?? {}, path, kind);
    return this.propose(
      action,
      name,
      request,
      options.requester,
      plan,
      kind.list,
    );
  }

  async unenroll(
    name: string,
    request: { reason?: string },
    requester: Requester,
  ): Promise<EnrollmentResponse> {
    return this.proposeOn(IMAGE_ENTRIES, 'unenroll', name, request, {
      requester,
    });
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
    return this.proposeOn(IMAGE_ENTRIES, 'change', name, request, {
      requester,
      changes: request.changes,
    });
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
    list: ConfigList,
  ): Promise<EnrollmentResponse> {
    const { repository, store } = this.options;
    const branch =
      list.subject === 'image'
        ? `image-factory/${action}-${name}`
        : `image-factory/${list.subject}-${action}-${name}`;

    // Before GitHub is asked anything: wheel sets may not be enrolled here.
    repository.pathOf(list);
    const { baseSha } = await repository.preflight();
    const file = await repository.readListFile(baseSha, list);
    const edit = planEdit(
      plan,
      file.text,
      `${repository.repoName}/${file.path}`,
      list,
    );
    assertOwns(requester, edit.owners, {
      what: `${action} ${list.noun}s of`,
      allowAnyOwner: this.options.allowAnyOwner,
    });
    if (list.subject === 'image') {
      await assertBuildable(edit.parsed, {
        checks: this.options.checks ?? {},
        location: file.path,
        acceptUnbuiltPlatforms: request.acceptUnbuiltPlatforms,
        scope: edit.scope,
      });
    } else if (edit.parsedSet) {
      await this.options.checkWheelSet?.(edit.parsedSet);
    }

    const reused = await findSameOpenRequest(
      { repository, store, follower: this.follower },
      action,
      name,
      edit.entry,
      list,
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

    const dependents =
      list.subject === 'image' && action === 'unenroll'
        ? await this.dependentsOf(name)
        : undefined;
    const enrollment = await openChangeRequest(this.options, {
      action,
      name,
      dependents,
      branch,
      baseSha,
      file,
      edit,
      requester,
      reason: request.reason,
      list,
      path: file.path,
    });
    return { enrollment, reused: false };
  }

  /** What the graph knows; a graph that cannot answer leaves them out. */
  private async dependentsOf(name: string): Promise<string[] | undefined> {
    try {
      return await this.options.dependentsOf?.(name);
    } catch (e) {
      this.options.logger.warn(
        `Could not list the images built FROM ${name} for its un-enroll pull request: ${e}`,
      );
      return undefined;
    }
  }
}
