import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Enrollment,
  EnrollmentAction,
} from '@image-factory/plugin-image-factory-common';
import { EnrollmentStore } from '../database/EnrollmentStore';
import { changeBody, changeTitle } from './describeChange';
import { ConfigFile, GitHubConfigRepository } from './GitHubConfigRepository';
import { ConfigList } from './configLists';
import { PlannedEdit } from './planEdit';
import { Requester } from './requester';

/** What opening a pull request needs. */
export interface ChangeRequestDeps {
  repository: GitHubConfigRepository;
  store: EnrollmentStore;
  logger: LoggerService;
  labels: string[];
  reviewers: string[];
  now?: () => Date;
}

/** A checked edit, ready to be proposed. */
export interface Proposal {
  action: EnrollmentAction;
  name: string;
  branch: string;
  baseSha: string;
  file: ConfigFile;
  edit: PlannedEdit;
  requester: Requester;
  reason?: string;
  /** What is edited, and the file's path in the config repository. */
  list: ConfigList;
  path: string;
  /** For an image's un-enroll: the images built FROM it. */
  dependents?: string[];
}

/**
 * Creates the branch, commits the edited images.yaml, opens the pull request
 * (with labels and reviewers) and records the change request. A failure after
 * the branch was created closes the pull request and deletes the branch again.
 */
export async function openChangeRequest(
  deps: ChangeRequestDeps,
  proposal: Proposal,
): Promise<Enrollment> {
  const { repository, store } = deps;
  const { action, name, branch, baseSha, file, edit, requester, reason } =
    proposal;
  const { list, path } = proposal;
  const description = {
    action,
    imageName: name,
    requestedBy: requester.userEntityRef,
    reason,
    entry: edit.entry,
    previous: edit.previous,
    file: `${repository.repoName}/${path}`,
    list,
    dependents: proposal.dependents,
  };
  const title = changeTitle(description);
  await repository.createBranch(branch, baseSha);
  let number: number | undefined;
  try {
    const headSha = await repository.commitFile({
      path,
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
      deps.labels,
      deps.reviewers,
    );
    const now = (deps.now?.() ?? new Date()).toISOString();
    const enrollment: Enrollment = {
      id: randomUUID(),
      action,
      subject: list.subject,
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
    deps.logger.info(
      `Opened ${pr.url} for ${requester.userEntityRef}: ${title}`,
    );
    return enrollment;
  } catch (error) {
    await rollBack(deps, branch, number);
    throw error;
  }
}

/** Best effort: no stray pull request or branch after a failure. */
async function rollBack(
  { repository, logger }: ChangeRequestDeps,
  branch: string,
  number: number | undefined,
) {
  if (number !== undefined) {
    await repository
      .closePullRequest(number)
      .catch(e => logger.warn(`Could not close pull request #${number}: ${e}`));
  }
  await repository
    .deleteBranch(branch)
    .catch(e => logger.warn(`Could not delete the branch ${branch}: ${e}`));
}
