import { timestamp } from '../GitHubState';
import { issueComment } from '../payloads';
import { Handler } from './types';

/** `POST /repos/{owner}/{repo}/issues/{issue_number}/comments` on a pull request. */
export const createComment: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const number = Number(ctx.params.issue_number);
  const pr = ctx.state.pull(repo, number);
  const comment = {
    id: ctx.state.ids.take(),
    body: (ctx.body as { body: string }).body,
    user: ctx.user,
    createdAt: timestamp(),
  };
  pr.comments = [...(pr.comments ?? []), comment];
  return {
    status: 201,
    body: issueComment(ctx.urls, repo, number, comment),
    headers: {
      location: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/issues/comments/${comment.id}`,
    },
  };
};

/** `GET /repos/{owner}/{repo}/issues/{issue_number}/comments`, oldest first. */
export const listComments: Handler = async ctx => {
  const repo = ctx.repo();
  const number = Number(ctx.params.issue_number);
  const pr = ctx.state.pull(repo, number);
  const perPage = Number(ctx.query.get('per_page') ?? 30);
  const page = Number(ctx.query.get('page') ?? 1);
  const slice = (pr.comments ?? []).slice((page - 1) * perPage, page * perPage);
  return {
    status: 200,
    body: slice.map(c => issueComment(ctx.urls, repo, number, c)),
  };
};
