import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { ImageStageUpdate } from '@image-factory/plugin-image-factory-common';
import { Octokit } from '@octokit/rest';
import {
  UpdateDescription,
  updateBody,
  UpdateSubject,
  updateTitle,
} from './describeUpdate';
import { githubCall, octokitFor, OctokitSource } from './githubCall';
import { PinnedImage, PinnedVersion } from './imageNames';
import {
  planRepositoryUpdate,
  RepositoryPlan,
  RepositoryUpdates,
} from './planRepositoryUpdate';
import { pushUpdateBranch } from './pushUpdateBranch';

/** What happened in one repository. */
export interface UpdatePullRequestResult {
  /** `owner/name` */
  repository: string;
  /** The factory's head branch, `image-factory/<image>/<stage>`. */
  branch: string;
  /**
   * `opened` a new pull request, `updated` the open one of the branch,
   * `unchanged` (the base branch pins the version already; nothing opened),
   * or `failed` (see `error`).
   */
  status: 'opened' | 'updated' | 'unchanged' | 'failed';
  number?: number;
  url?: string;
  error?: string;
}

/** The factory's branch for an image's stage. */
export function updateBranchName(image: string, stage: string): string {
  return `image-factory/${image}/${stage}`;
}

function groupByRepository(updates: ImageStageUpdate[]): RepositoryUpdates[] {
  const groups = new Map<string, RepositoryUpdates>();
  updates.forEach((update, index) => {
    const group = groups.get(update.repository) ?? {
      repository: update.repository,
      updates: [],
    };
    group.updates.push({ update, index });
    groups.set(update.repository, group);
  });
  return [...groups.values()];
}

async function openOrUpdate(
  octokit: Octokit,
  repository: string,
  plan: RepositoryPlan,
  pr: { branch: string; title: string; body: string },
): Promise<UpdatePullRequestResult> {
  const { owner, repo, base } = plan;
  const { branch, title, body } = pr;
  const open = await githubCall(repository, 'list open pull requests', () =>
    octokit.rest.pulls.list({
      owner,
      repo,
      state: 'open',
      head: `${owner}:${branch}`,
      per_page: 10,
    }),
  );
  const existing = open.data.find(p => p.head.ref === branch);
  if (existing) {
    const answer = await githubCall(
      repository,
      `update pull request #${existing.number}`,
      () =>
        octokit.rest.pulls.update({
          owner,
          repo,
          pull_number: existing.number,
          title,
          body,
          base,
        }),
    );
    const { number, html_url: url } = answer.data;
    return { repository, branch, status: 'updated', number, url };
  }
  const answer = await githubCall(repository, 'open the pull request', () =>
    octokit.rest.pulls.create({ owner, repo, base, head: branch, title, body }),
  );
  const { number, html_url: url } = answer.data;
  return { repository, branch, status: 'opened', number, url };
}

/**
 * Pins the version that entered a stage in the files of the repositories
 * that use the image: one pull request per repository, on the branch
 * `image-factory/<image>/<stage>`, with one commit holding all its changed
 * files, opened or, when one is open already, updated in place. Each
 * repository succeeds or fails on its own. Files are read and pinned
 * before anything is written, so a file that does not reference the image
 * fails its repository with nothing written there; a GitHub failure after
 * the branch moved leaves the branch for the next attempt to force again.
 */
export async function openUpdatePullRequests(options: {
  octokit: OctokitSource;
  /** The image: its name in images.yaml and where the registry holds it. */
  image: PinnedImage & { name: string };
  stage: string;
  pinned: PinnedVersion;
  description: UpdateDescription;
  /** The stage's `updates` from images.yaml. */
  updates: ImageStageUpdate[];
  logger?: LoggerService;
}): Promise<UpdatePullRequestResult[]> {
  const { image, stage, pinned, description, logger } = options;
  const subject: UpdateSubject = {
    name: image.name,
    image: { registry: image.registry, repository: image.repository },
    stage,
    pinned,
  };
  const branch = updateBranchName(image.name, stage);
  const title = updateTitle(subject);
  const results: UpdatePullRequestResult[] = [];
  for (const group of groupByRepository(options.updates)) {
    const { repository } = group;
    try {
      const octokit = await octokitFor(options.octokit, repository);
      const plan = await planRepositoryUpdate(octokit, group, subject);
      if (plan.changed.length === 0) {
        results.push({ repository, branch, status: 'unchanged' });
        continue;
      }
      const files = group.updates.map(u => u.update);
      const body = updateBody(subject, description, files);
      await pushUpdateBranch(
        octokit,
        repository,
        plan,
        branch,
        `${title}\n\n${description.cause}`,
      );
      const result = await openOrUpdate(octokit, repository, plan, {
        branch,
        title,
        body,
      });
      logger?.info('Update pull request', {
        image: image.name,
        stage,
        repository,
        status: result.status,
        url: result.url,
      });
      results.push(result);
    } catch (error) {
      assertError(error);
      logger?.warn('Update pull request failed', {
        image: image.name,
        stage,
        repository,
        error: error.message,
      });
      results.push({
        repository,
        branch,
        status: 'failed',
        error: error.message,
      });
    }
  }
  return results;
}
