import { githubError, notFound } from '../errors';
import { repository } from '../payloads';
import { Handler } from './types';

/** Where the tarball redirect points: the server's stand-in for codeload.github.com. */
export const CODELOAD_PREFIX = '/_codeload';

/**
 * `GET /repos/{owner}/{repo}/commits/{ref}/status`: the combined status of a
 * commit. The server keeps no statuses, so it is always `pending` with none;
 * Backstage's GithubUrlReader reads `sha` and `repository.archive_url` from it.
 */
export const getCombinedStatus: Handler = async ctx => {
  const repo = ctx.repo();
  const ref = ctx.params.ref;
  const sha = await ctx.state.resolveCommit(repo, ref);
  if (!sha) throw githubError(404, `No commit found for SHA: ${ref}`);
  const url = `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}`;
  return {
    status: 200,
    body: {
      state: 'pending',
      statuses: [],
      sha,
      total_count: 0,
      repository: repository(ctx.urls, repo),
      commit_url: `${url}/commits/${sha}`,
      url: `${url}/commits/${sha}/status`,
    },
  };
};

/**
 * `GET /repos/{owner}/{repo}/tarball/{ref}`: like GitHub, a 302 to the archive
 * of the resolved commit (served by `serveCodeload`).
 */
export const downloadTarball: Handler = async ctx => {
  const repo = ctx.repo();
  const sha = await ctx.state.resolveCommit(repo, ctx.params.ref);
  if (!sha) throw notFound();
  return {
    status: 302,
    headers: {
      location: `${ctx.urls.web}${CODELOAD_PREFIX}/${repo.owner.login}/${repo.name}/legacy.tar.gz/${sha}`,
    },
  };
};
