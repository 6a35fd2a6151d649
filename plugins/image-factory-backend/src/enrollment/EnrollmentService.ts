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
} from '@image-factory/plugin-image-factory-common';
import { EnrollmentStore } from '../database/EnrollmentStore';
import { changeBody, changeTitle } from './describeChange';
import { GitHubConfigRepository } from './GitHubConfigRepository';
import {
  addImageEntry,
  changeImageEntry,
  findImageEntry,
  removeImageEntry,
} from './imagesYamlEdits';
import { assertBuildable, ProposalChecks } from './assertBuildable';
import { sameEntry } from './sameEntry';
import { planEdit, PlannedEdit } from './planEdit';
import { PullRequestFollower } from './PullRequestFollower';

/** Who asks for a change, with the groups they belong to. */
export interface Requester {
  userEntityRef: string;
  ownershipEntityRefs: string[];
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
    const edit = planEdit(
      plan,
      file.text,
      `${repository.repoName}/${repository.target.path}`,
    );
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
      await this.follower.settle(open, pr.state);
      return undefined;
    }
    if (open.sync?.state === 'conflict') {
      // A dead end the factory made: asking again replaces it.
      await this.options.repository.comment(
        open.pullRequest.number,
        'Closed by the Image Factory: the same change was asked for again, and a new pull request starts from images.yaml as it is now.',
      );
      await this.options.repository.closePullRequest(open.pullRequest.number);
      await this.follower.settle(open, 'closed');
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
