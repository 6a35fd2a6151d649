import { IncomingMessage } from 'node:http';
import { GitHubState, signatureOf } from '../GitHubState';
import { PullState, RepoState, UserState } from '../state';
import { escapeHtml, page } from './html';

/** The largest edited file the page accepts, as GitHub's editor does. */
const MAX_BODY = 1024 * 1024;

/**
 * github.com's "Edit this file" page: the file in a text area and "Propose
 * changes", which commits to a new branch and opens a pull request, so that
 * an edit is reviewed like any other change.
 */
export function editPage(
  repo: RepoState,
  ref: string,
  path: string,
  content: string,
) {
  const full = `${repo.owner.login}/${repo.name}`;
  const action = `/${[
    repo.owner.login,
    repo.name,
    'edit',
    ref,
    ...path.split('/'),
  ]
    .map(encodeURIComponent)
    .join('/')}`;
  return page(
    `Editing ${path} · ${full}`,
    `<h1>${escapeHtml(full)}: edit ${escapeHtml(path)} on ${escapeHtml(
      ref,
    )}</h1>
<form method="post" action="${escapeHtml(action)}">
<p><textarea name="content" aria-label="File content" rows="30" style="width:100%;font-family:monospace">${escapeHtml(
      content,
    )}</textarea></p>
<p><label>Commit message <input name="message" size="60" value="${escapeHtml(
      `Update ${path}`,
    )}"></label></p>
<button class="merge" type="submit">Propose changes</button>
</form>`,
  );
}

/** The form fields of a POST, url-encoded as browsers send them. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('The edited file is too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Commits the new content of `path` on a new branch from `ref` and opens a
 * pull request into `ref`, as "Propose changes" does on github.com.
 */
export async function proposeEdit(options: {
  state: GitHubState;
  repo: RepoState;
  user: UserState;
  ref: string;
  path: string;
  content: string;
  message: string;
}): Promise<PullState> {
  const { state, repo, user, ref, path } = options;
  const parent = await state.resolveCommit(repo, ref);
  if (!parent) throw new Error(`No branch named ${ref}`);
  const commit = await repo.git.commitFiles({
    parent,
    files: { [path]: options.content },
    message: options.message,
    author: signatureOf(user),
  });
  let branch = `${user.login}-patch-1`;
  for (let n = 2; await repo.git.resolveRef(`refs/heads/${branch}`); n++) {
    branch = `${user.login}-patch-${n}`;
  }
  await repo.git.updateRef(`refs/heads/${branch}`, commit);
  return state.createPull(repo, user, {
    title: options.message,
    head: branch,
    base: ref,
  });
}
