import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  Enrollment,
  EnrollmentAction,
  EnrollmentResponse,
  EnrollmentState,
  imageEntrySchema,
  parseFields,
  parseImagesFile,
} from '@image-factory/plugin-image-factory-common';
import { EnrollmentStore } from '../database/EnrollmentStore';
import { changeBody, changeTitle } from './describeChange';
import { GitHubConfigRepository } from './GitHubConfigRepository';
import {
  addImageEntry,
  changeImageEntry,
  findImageEntry,
  ImagesYamlEditError,
  removeImageEntry,
} from './imagesYamlEdits';
import { GitHubRequestError } from './githubErrors';
import { assertBuildable, ProposalChecks } from './assertBuildable';
import { sameEntry } from './sameEntry';
import { BranchSync } from './BranchSync';

/** Who asks for a change, with the groups they belong to. */
export interface Requester {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

/** A planned edit of images.yaml, computed from the file as it is. */
interface PlannedEdit {
  text: string;
  entry?: Record<string, unknown>;
  previous?: Record<string, unknown>;
  /** Owners the requester must belong to. */
  owners: string[];
  /** The fields a change sets, kept to apply it again on a moved base. */
  changes?: Record<string, unknown>;
  /** What of the entry to check; absent: everything. */
  scope?: { source: boolean; platforms: boolean };
}

/** Owners are written short in images.yaml (`team-web`); compare them in full. */
export function fullOwnerRef(owner: string) {
  return stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  );
}

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
    this.branches = new BranchSync(options);
  }

  private readonly branches: BranchSync;

  async enroll(
    request: {
      image: unknown;
      reason?: string;
      acceptUnbuiltPlatforms?: boolean;
    },
    requester: Requester,
  ): Promise<EnrollmentResponse> {
    const parsed = parseFields(imageEntrySchema, request.image, 'image');
    if (!parsed.success) {
      throw new InputError(
        `Invalid request body: ${parsed.issues
          .map(i => `${i.path}: ${i.message}`)
          .join('; ')}`,
      );
    }
    // Written as given: defaults stay implicit in images.yaml.
    const entry = request.image as Record<string, unknown>;
    const name = parsed.data.name;
    this.assertOwns(requester, [parsed.data.owner], 'enroll images for');
    return this.propose('enroll', name, request, requester, text => ({
      text: addImageEntry(text, entry as never),
      entry,
      owners: [parsed.data.owner],
    }));
  }

  async unenroll(
    name: string,
    request: { reason?: string },
    requester: Requester,
  ): Promise<EnrollmentResponse> {
    return this.propose('unenroll', name, request, requester, text => {
      const previous = this.existing(text, name);
      return {
        text: removeImageEntry(text, name),
        previous,
        owners: [String(previous.owner)],
      };
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
    const touches = (...keys: string[]) =>
      keys.some(k => request.changes[k] !== undefined);
    return this.propose('change', name, request, requester, text => {
      const previous = this.existing(text, name);
      const entry: Record<string, unknown> = { ...previous };
      for (const [key, value] of Object.entries(request.changes)) {
        if (value === null) delete entry[key];
        else if (value !== undefined) entry[key] = value;
      }
      const parsed = parseFields(imageEntrySchema, entry, 'image');
      if (!parsed.success) {
        throw new InputError(
          `The image would be invalid after this change: ${parsed.issues
            .map(i => `${i.path}: ${i.message}`)
            .join('; ')}`,
        );
      }
      if (sameEntry(previous, entry)) {
        throw new InputError(
          `changes: the image ${name} already has these values; nothing to change`,
        );
      }
      return {
        text: changeImageEntry(text, name, request.changes),
        entry,
        previous,
        changes: request.changes,
        owners: [String(previous.owner), String(entry.owner)],
        scope: {
          source: touches('type', 'source', 'buildArgs', 'platforms'),
          platforms: touches('type', 'source', 'platforms'),
        },
      };
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
    if (merged && repo === this.options.repository.repoName) {
      await this.syncBranches();
    }
    if (!found) return 'unknown';
    return changed ? 'updated' : 'unchanged';
  }

  /**
   * A `push` webhook: when the base branch of the config repository moved,
   * the open pull requests are brought onto its new head. Returns whether it was that branch.
   */
  async pushed(repo: string, ref: string): Promise<boolean> {
    const { repository } = this.options;
    if (
      repo !== repository.repoName ||
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

  private async settle(
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

  private existing(text: string, name: string) {
    const previous = findImageEntry(text, name);
    if (!previous) {
      throw new NotFoundError(
        `No image named ${name} in ${this.options.repository.target.path}`,
      );
    }
    return previous;
  }

  private assertOwns(requester: Requester, owners: string[], what: string) {
    if (this.options.allowAnyOwner) return;
    const mine = new Set(requester.ownershipEntityRefs);
    for (const owner of owners) {
      const ref = fullOwnerRef(owner);
      if (!mine.has(ref)) {
        throw new NotAllowedError(
          `You (${requester.userEntityRef}) may not ${what} ${ref}: you are not that user or a member of that group`,
        );
      }
    }
  }

  private async propose(
    action: EnrollmentAction,
    name: string,
    request: { reason?: string; acceptUnbuiltPlatforms?: boolean },
    requester: Requester,
    plan: (text: string) => PlannedEdit,
  ): Promise<EnrollmentResponse> {
    const { repository, store } = this.options;
    const reason = request.reason;
    const branch = `image-factory/${action}-${name}`;

    const { baseSha } = await repository.preflight();
    const file = await repository.readFile(baseSha);
    const edit = this.planEdit(plan, file.text);
    this.assertOwns(requester, edit.owners, `${action} images of`);
    await assertBuildable(edit.parsed, {
      checks: this.options.checks ?? {},
      location: repository.target.path,
      acceptUnbuiltPlatforms: request.acceptUnbuiltPlatforms,
      scope: edit.scope,
    });

    const reused = await this.findSameOpenRequest(action, name, edit.entry);
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

    const description = {
      action,
      imageName: name,
      requestedBy: requester.userEntityRef,
      reason,
      entry: edit.entry,
      previous: edit.previous,
      file: `${repository.repoName}/${repository.target.path}`,
    };
    const title = changeTitle(description);
    await repository.createBranch(branch, baseSha);
    let number: number | undefined;
    try {
      const headSha = await repository.commitFile({
        branch,
        text: edit.text,
        blobSha: file.blobSha,
        message: `${title}\n\nRequested by ${requester.userEntityRef} from Backstage.`,
      });
      const pr = await repository.openPullRequest({
        branch,
        title,
        body: changeBody(description),
      });
      number = pr.number;
      await repository.decoratePullRequest(
        pr.number,
        this.options.labels,
        this.options.reviewers,
      );
      const now = (this.options.now?.() ?? new Date()).toISOString();
      const enrollment: Enrollment = {
        id: randomUUID(),
        action,
        imageName: name,
        state: 'open',
        requestedBy: requester.userEntityRef,
        createdAt: now,
        updatedAt: now,
        summary: title,
        ...(reason ? { reason } : {}),
        ...(edit.entry ? { entry: edit.entry } : {}),
        pullRequest: {
          repo: repository.repoName,
          number: pr.number,
          url: pr.url,
          branch,
        },
      };
      await store.add(enrollment, {
        edit: {
          ...(edit.changes ? { changes: edit.changes } : {}),
          ...(edit.previous ? { previous: edit.previous } : {}),
        },
        baseSha,
        headSha,
      });
      this.options.logger.info(
        `Opened ${pr.url} for ${requester.userEntityRef}: ${title}`,
      );
      return { enrollment, reused: false };
    } catch (error) {
      await this.rollBack(branch, number);
      throw error;
    }
  }

  /** Applies the edit, turning edit refusals into answers that name the field. */
  private planEdit(plan: (text: string) => PlannedEdit, text: string) {
    let edit: PlannedEdit;
    try {
      edit = plan(text);
    } catch (error) {
      if (!(error instanceof ImagesYamlEditError)) throw error;
      const where = `${this.options.repository.repoName}/${this.options.repository.target.path}`;
      switch (error.reason) {
        case 'already-exists':
          throw new ConflictError(`${error.message} in ${where}`);
        case 'not-found':
          throw new NotFoundError(`${error.message} in ${where}`);
        case 'invalid-change':
          throw new InputError(error.message);
        default:
          throw new GitHubRequestError(
            `${where} cannot be edited: ${error.message}`,
            503,
          );
      }
    }
    // The edited file must read back as valid for this image.
    const after = parseImagesFile(edit.text);
    const broken = after.issues.filter(i =>
      edit.entry ? i.entry === edit.entry.name : false,
    );
    const parsed = edit.entry
      ? after.images.find(i => i.name === edit.entry!.name)
      : undefined;
    if (after.fatal || broken.length > 0) {
      throw new InputError(
        `The change would make images.yaml invalid: ${(after.fatal
          ? after.issues
          : broken
        )
          .map(i => `${i.path}: ${i.message}`)
          .join('; ')}`,
      );
    }
    return { ...edit, parsed };
  }

  /** An open request for the very same change, still open on GitHub. */
  private async findSameOpenRequest(
    action: EnrollmentAction,
    name: string,
    entry: Record<string, unknown> | undefined,
  ): Promise<Enrollment | undefined> {
    const open = await this.options.store.findOpen(action, name);
    if (!open) return undefined;
    const pr = await this.options.repository.getPullRequest(
      open.pullRequest.number,
    );
    if (pr.state !== 'open') {
      await this.settle(open, pr.state);
      return undefined;
    }
    if (open.sync?.state === 'conflict') {
      // A dead end the factory made: asking again replaces it.
      await this.options.repository.comment(
        open.pullRequest.number,
        'Closed by the Image Factory: the same change was asked for again, and a new pull request starts from images.yaml as it is now.',
      );
      await this.options.repository.closePullRequest(open.pullRequest.number);
      await this.settle(open, 'closed');
      return undefined;
    }
    if (action === 'unenroll' || sameEntry(open.entry, entry)) return open;
    throw new ConflictError(
      `A different pull request to ${action} ${name} is already open: ${open.pullRequest.url}; merge or close it first`,
    );
  }

  /** Best effort: no stray pull request or branch after a failure. */
  private async rollBack(branch: string, number: number | undefined) {
    const { repository, logger } = this.options;
    if (number !== undefined) {
      await repository
        .closePullRequest(number)
        .catch(e =>
          logger.warn(`Could not close pull request #${number}: ${e}`),
        );
    }
    await repository
      .deleteBranch(branch)
      .catch(e => logger.warn(`Could not delete the branch ${branch}: ${e}`));
  }
}
