import { githubError, validationFailed } from '../errors';
import { label, pullRequest } from '../payloads';
import { PullState, RepoState } from '../state';
import { Handler, RequestContext } from './types';

async function fullPull(ctx: RequestContext, repo: RepoState, pr: PullState) {
  const live = await ctx.state.pullShas(repo, pr);
  const stat = await repo.git.diffStat(live.baseSha, live.headSha);
  const commits = await repo.git.countCommits(live.baseSha, live.headSha);
  // Like GitHub, an open pull request says whether it merges cleanly now.
  const mergeable =
    pr.state !== 'open' ||
    (await repo.git.mergeTrees(live.baseSha, live.headSha)) !== undefined;
  return pullRequest(ctx.urls, repo, pr, live, {
    ...stat,
    commits,
    mergeable,
  });
}

function pullNumber(ctx: RequestContext) {
  return Number(ctx.params.pull_number ?? ctx.params.issue_number);
}

/** `POST /repos/{owner}/{repo}/pulls` */
export const createPull: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  if (ctx.body.issue !== undefined) {
    throw validationFailed(
      'Converting an issue into a pull request is not supported by the test server',
    );
  }
  if (ctx.body.title === undefined) {
    throw validationFailed('Validation Failed', [
      { resource: 'PullRequest', field: 'title', code: 'missing_field' },
    ]);
  }
  const pr = await ctx.state.createPull(repo, ctx.user, ctx.body);
  return {
    status: 201,
    body: await fullPull(ctx, repo, pr),
    headers: {
      location: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/pulls/${pr.number}`,
    },
  };
};

/** `GET /repos/{owner}/{repo}/pulls` with the `state`, `head`, `base`, paging filters. */
export const listPulls: Handler = async ctx => {
  const repo = ctx.repo();
  const state = ctx.query.get('state') ?? 'open';
  const head = ctx.query.get('head');
  const base = ctx.query.get('base');
  const perPage = Number(ctx.query.get('per_page') ?? 30);
  const page = Number(ctx.query.get('page') ?? 1);
  const direction = ctx.query.get('direction') ?? 'desc';
  const matching = repo.pulls.filter(pr => {
    if (state !== 'all' && pr.state !== state) return false;
    if (base && pr.base !== base) return false;
    if (head) {
      const [owner, branch] = head.includes(':')
        ? head.split(':')
        : [undefined, head];
      if (owner && owner.toLowerCase() !== repo.owner.login.toLowerCase())
        return false;
      if (branch && pr.head !== branch) return false;
    }
    return true;
  });
  matching.sort((a, b) =>
    direction === 'asc' ? a.number - b.number : b.number - a.number,
  );
  const slice = matching.slice((page - 1) * perPage, page * perPage);
  const body = await Promise.all(
    slice.map(async pr =>
      pullRequest(ctx.urls, repo, pr, await ctx.state.pullShas(repo, pr)),
    ),
  );
  return { status: 200, body };
};

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}` */
export const getPull: Handler = async ctx => {
  const repo = ctx.repo();
  const pr = ctx.state.pull(repo, pullNumber(ctx));
  return { status: 200, body: await fullPull(ctx, repo, pr) };
};

/** `PATCH /repos/{owner}/{repo}/pulls/{pull_number}`: title, body, and closing. */
export const updatePull: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const pr = ctx.state.pull(repo, pullNumber(ctx));
  const input = ctx.body as {
    title?: string;
    body?: string;
    state?: 'open' | 'closed';
    base?: string;
  };
  if (input.title !== undefined) pr.title = input.title;
  if (input.body !== undefined) pr.body = input.body;
  if (input.base !== undefined) pr.base = input.base;
  if (input.state === 'open' && pr.state === 'closed') {
    if (pr.merged)
      throw validationFailed('Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: 'state cannot be changed. The pull request has been merged.',
        },
      ]);
    pr.state = 'open';
    pr.closedAt = null;
  }
  if (input.state === 'closed' && pr.state === 'open') {
    await ctx.state.closePull(repo, pr);
    ctx.pullClosed(repo, pr);
  }
  return { status: 200, body: await fullPull(ctx, repo, pr) };
};

/** `PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge` (merge commits only). */
export const mergePull: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const pr = ctx.state.pull(repo, pullNumber(ctx));
  const input = (ctx.body ?? {}) as {
    commit_title?: string;
    commit_message?: string;
    sha?: string;
    merge_method?: string;
  };
  if (input.merge_method && input.merge_method !== 'merge') {
    throw githubError(
      405,
      `${input.merge_method} merges are not supported by the test server`,
    );
  }
  const sha = await ctx.state.mergePull(repo, pr, ctx.user, {
    sha: input.sha,
    commitTitle: input.commit_title,
    commitMessage: input.commit_message,
  });
  ctx.pullClosed(repo, pr);
  return {
    status: 200,
    body: { sha, merged: true, message: 'Pull Request successfully merged' },
  };
};

/** `POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers` */
export const requestReviewers: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const pr = ctx.state.pull(repo, pullNumber(ctx));
  const input = (ctx.body ?? {}) as {
    reviewers?: string[];
    team_reviewers?: string[];
  };
  if (!input.reviewers?.length && !input.team_reviewers?.length) {
    throw validationFailed(
      'Invalid request.\n\n"reviewers" or "team_reviewers" must be supplied.',
    );
  }
  if (
    input.reviewers?.some(r => r.toLowerCase() === pr.user.login.toLowerCase())
  ) {
    throw validationFailed(
      'Review cannot be requested from pull request author.',
    );
  }
  if (input.team_reviewers?.length) {
    throw validationFailed(
      'Reviews may only be requested from collaborators. One or more of the teams you specified is not a collaborator of the repository.',
    );
  }
  for (const login of input.reviewers ?? []) {
    ctx.state.user(login);
    if (!pr.requestedReviewers.includes(login))
      pr.requestedReviewers.push(login);
  }
  const live = await ctx.state.pullShas(repo, pr);
  return { status: 201, body: pullRequest(ctx.urls, repo, pr, live) };
};

/** `POST /repos/{owner}/{repo}/issues/{issue_number}/labels`; unknown labels are created. */
export const addLabels: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const pr = ctx.state.pull(repo, pullNumber(ctx));
  const raw: unknown[] = Array.isArray(ctx.body)
    ? ctx.body
    : ctx.body?.labels ?? [];
  const names = raw.map(l =>
    typeof l === 'string' ? l : (l as { name: string }).name,
  );
  for (const name of names) {
    if (!repo.labels.has(name)) {
      repo.labels.set(name, {
        id: ctx.state.ids.take(),
        name,
        color: 'ededed',
      });
    }
    if (!pr.labels.includes(name)) pr.labels.push(name);
  }
  return {
    status: 200,
    body: pr.labels.map(name => label(ctx.urls, repo, repo.labels.get(name)!)),
  };
};
