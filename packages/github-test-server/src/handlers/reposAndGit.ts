import { githubError, notFound, validationFailed } from '../errors';
import { gitRef, privateUser, repository } from '../payloads';
import { Handler } from './types';

const SHA = /^[0-9a-f]{40}$/;

/** `GET /user` */
export const getAuthenticatedUser: Handler = async ctx => ({
  status: 200,
  body: privateUser(ctx.urls, ctx.user, ctx.state.startedAt),
});

/** `GET /repos/{owner}/{repo}` */
export const getRepository: Handler = async ctx => ({
  status: 200,
  body: repository(ctx.urls, ctx.repo(), ctx.permissions),
});

/** `GET /repos/{owner}/{repo}/git/ref/{ref}` (ref like `heads/main`) */
export const getRef: Handler = async ctx => {
  const repo = ctx.repo();
  const ref = `refs/${ctx.params.ref}`;
  const sha = await repo.git.resolveRef(ref);
  if (!sha || !ctx.params.ref.match(/^(heads|tags)\//)) throw notFound();
  return { status: 200, body: gitRef(ctx.urls, repo, ref, sha) };
};

/** `POST /repos/{owner}/{repo}/git/refs` */
export const createRef: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const { ref, sha } = ctx.body as { ref: string; sha: string };
  if (
    !/^refs\/[^/]+\/.+/.test(ref) ||
    /\.\.|[\s~^:?*[\\]|\/$|\.lock$/.test(ref)
  ) {
    throw validationFailed(`${ref} is not a valid ref name.`);
  }
  if (!SHA.test(sha) || !(await repo.git.objectExists(sha))) {
    throw validationFailed('Object does not exist');
  }
  if (!(await repo.git.updateRef(ref, sha, ''))) {
    throw validationFailed('Reference already exists');
  }
  return {
    status: 201,
    body: gitRef(ctx.urls, repo, ref, sha),
    headers: {
      location: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/git/${ref}`,
    },
  };
};

/** `DELETE /repos/{owner}/{repo}/git/refs/{ref}` (ref like `heads/feature`) */
export const deleteRef: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const ref = `refs/${ctx.params.ref}`;
  const branch = ctx.params.ref.replace(/^heads\//, '');
  if (!(await repo.git.resolveRef(ref))) {
    throw validationFailed('Reference does not exist');
  }
  if (ref.startsWith('refs/heads/') && repo.protectedBranches.has(branch)) {
    throw validationFailed('Cannot delete this protected branch');
  }
  if (ref === `refs/heads/${repo.defaultBranch}`) {
    throw githubError(422, 'Cannot delete the default branch');
  }
  await repo.git.deleteRef(ref);
  return { status: 204 };
};
