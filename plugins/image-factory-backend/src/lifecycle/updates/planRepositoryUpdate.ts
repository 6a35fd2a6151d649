import { InputError } from '@backstage/errors';
import { ImageStageUpdate } from '@image-factory/plugin-image-factory-common';
import { Octokit } from '@octokit/rest';
import { UpdateSubject } from './describeUpdate';
import { githubCall, UpdateRequestError } from './githubCall';
import { pinImageInFile } from './pinImageInFile';

/** The updates of one repository, with their index in the stage's `updates`. */
export interface RepositoryUpdates {
  repository: string;
  updates: Array<{ update: ImageStageUpdate; index: number }>;
}

/** What one repository's pull request would change, read from its base branch. */
export interface RepositoryPlan {
  owner: string;
  repo: string;
  base: string;
  baseSha: string;
  baseTree: string;
  /** The files whose text the pin changed. */
  changed: Array<{ path: string; text: string }>;
}

const REPOSITORY = /^([\w.-]+)\/([\w.-]+)$/;

function baseBranchOf(group: RepositoryUpdates): string | undefined {
  const branches = new Set(group.updates.map(u => u.update.branch));
  if (branches.size > 1) {
    // One pull request per repository: its head branch has one base.
    const { index } = group.updates[group.updates.length - 1];
    throw new InputError(
      `updates[${index}].branch: all updates of ${
        group.repository
      } must target one branch, not ${[...branches]
        .map(b => b ?? 'the default branch')
        .join(' and ')}`,
    );
  }
  return group.updates[0].update.branch;
}

async function readText(
  octokit: Octokit,
  plan: Omit<RepositoryPlan, 'changed'>,
  repository: string,
  entry: { update: ImageStageUpdate; index: number },
): Promise<string> {
  const { owner, repo, base, baseSha } = plan;
  const path = entry.update.file;
  try {
    const answer = await githubCall(repository, `read ${path}`, () =>
      octokit.rest.repos.getContent({ owner, repo, path, ref: baseSha }),
    );
    const data = answer.data as { type?: string; content?: string };
    if (data.type === 'file' && data.content !== undefined) {
      return Buffer.from(data.content, 'base64').toString('utf8');
    }
  } catch (error) {
    if (!(error instanceof UpdateRequestError) || error.githubStatus !== 404) {
      throw error;
    }
  }
  throw new InputError(
    `updates[${entry.index}].file: ${path} is not a file in ${repository} on ${base}`,
  );
}

async function baseHead(
  octokit: Octokit,
  group: RepositoryUpdates,
  target: { owner: string; repo: string; base: string },
): Promise<string> {
  const { owner, repo, base } = target;
  try {
    const ref = await githubCall(
      group.repository,
      `read the branch ${base}`,
      () => octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` }),
    );
    return ref.data.object.sha;
  } catch (error) {
    if (error instanceof UpdateRequestError && error.githubStatus === 404) {
      throw new InputError(
        `updates[${group.updates[0].index}].branch: ${group.repository} has no branch ${base}`,
      );
    }
    throw error;
  }
}

/**
 * Reads every file of a repository's updates at the head of the base
 * branch and pins the image in each, writing nothing: a file that does not
 * reference the image fails the whole repository before any branch moves.
 */
export async function planRepositoryUpdate(
  octokit: Octokit,
  group: RepositoryUpdates,
  subject: UpdateSubject,
): Promise<RepositoryPlan> {
  const { repository } = group;
  const match = REPOSITORY.exec(repository);
  if (!match) {
    throw new InputError(
      `updates[${group.updates[0].index}].repository: must be owner/name, not '${repository}'`,
    );
  }
  const [, owner, repo] = match;
  let base = baseBranchOf(group);
  if (base === undefined) {
    const answer = await githubCall(repository, 'read the repository', () =>
      octokit.rest.repos.get({ owner, repo }),
    );
    base = answer.data.default_branch;
  }
  const baseSha = await baseHead(octokit, group, { owner, repo, base });
  const commit = await githubCall(
    repository,
    `read the commit ${baseSha}`,
    () => octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha }),
  );
  const plan = { owner, repo, base, baseSha, baseTree: commit.data.tree.sha };

  const original = new Map<string, string>();
  const texts = new Map<string, string>();
  for (const entry of group.updates) {
    const path = entry.update.file;
    if (!original.has(path)) {
      const text = await readText(octokit, plan, repository, entry);
      original.set(path, text);
      texts.set(path, text);
    }
    // Several updates of one file (two Helm blocks) pin on top of each other.
    texts.set(
      path,
      pinImageInFile({
        text: texts.get(path)!,
        update: entry.update,
        image: subject.image,
        pinned: subject.pinned,
        index: entry.index,
      }).text,
    );
  }
  const changed = [...texts]
    .filter(([path, text]) => original.get(path) !== text)
    .map(([path, text]) => ({ path, text }));
  return { ...plan, changed };
}
