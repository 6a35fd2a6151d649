import { signatureOf, timestamp } from '../GitHubState';
import { githubError, notFound, validationFailed } from '../errors';
import { Urls } from '../payloads';
import { RepoState } from '../state';
import { Handler } from './types';

const CONTENT_TYPES = {
  tree: 'dir',
  commit: 'submodule',
  blob: 'file',
} as const;

function fileUrls(
  urls: Urls,
  repo: RepoState,
  path: string,
  ref: string,
  blob: string,
) {
  const full = `${repo.owner.login}/${repo.name}`;
  const url = `${
    urls.api
  }/repos/${full}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${urls.api}/repos/${full}/git/blobs/${blob}`;
  const htmlUrl = `${urls.web}/${full}/blob/${ref}/${path}`;
  return {
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: `${urls.web}/raw/${full}/${ref}/${path}`,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

/** `GET /repos/{owner}/{repo}/contents/{path}` for a file or a directory. */
export const getContent: Handler = async ctx => {
  const repo = ctx.repo();
  const ref = ctx.query.get('ref') || repo.defaultBranch;
  const commit = await ctx.state.resolveCommit(repo, ref);
  if (!commit) {
    throw githubError(404, `No commit found for the ref ${ref}`);
  }
  const path = ctx.params.path.replace(/^\/+|\/+$/g, '');
  const entry = await repo.git.entryAt(commit, path);
  if (!entry) throw notFound();
  const name = path.split('/').pop() ?? '';
  if (entry.type === 'tree') {
    const entries = await repo.git.readTree(entry.sha);
    const items = await Promise.all(
      entries.map(async e => {
        const childPath = path ? `${path}/${e.name}` : e.name;
        const size =
          e.type === 'blob' ? (await repo.git.readBlob(e.sha)).length : 0;
        const type = CONTENT_TYPES[e.type];
        const links = fileUrls(ctx.urls, repo, childPath, ref, e.sha);
        return {
          type,
          size,
          name: e.name,
          path: childPath,
          sha: e.sha,
          ...links,
          download_url: type === 'file' ? links.download_url : null,
        };
      }),
    );
    return { status: 200, body: items };
  }
  const content = await repo.git.readBlob(entry.sha);
  const base64 = content.toString('base64').replace(/(.{60})/g, '$1\n');
  return {
    status: 200,
    raw: content,
    headers: { etag: `"${entry.sha}"` },
    body: {
      type: 'file',
      encoding: 'base64',
      size: content.length,
      name,
      path,
      content: base64.endsWith('\n') ? base64 : `${base64}\n`,
      sha: entry.sha,
      ...fileUrls(ctx.urls, repo, path, ref, entry.sha),
    },
  };
};

/**
 * `PUT /repos/{owner}/{repo}/contents/{path}`: one commit on `branch` (default
 * branch if absent) that sets the file; `sha` must name the blob being replaced.
 */
export const putContent: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const path = ctx.params.path.replace(/^\/+|\/+$/g, '');
  const input = ctx.body as {
    message: string;
    content: string;
    sha?: string;
    branch?: string;
    committer?: { name: string; email: string };
    author?: { name: string; email: string };
  };
  if (!/^[A-Za-z0-9+/=\s]*$/.test(input.content)) {
    throw validationFailed('content is not valid Base64');
  }
  const branch = input.branch ?? repo.defaultBranch;
  const parent = await repo.git.resolveRef(`refs/heads/${branch}`);
  if (!parent) {
    throw githubError(404, `Branch ${branch} not found`);
  }
  const existing = await repo.git.entryAt(parent, path);
  if (existing?.type === 'tree') {
    throw validationFailed(`${path} is a directory`);
  }
  if (existing && !input.sha) {
    throw validationFailed('Invalid request.\n\n"sha" wasn\'t supplied.');
  }
  if (existing && input.sha !== existing.sha) {
    throw githubError(409, `${path} does not match ${input.sha}`);
  }
  if (repo.protectedBranches.has(branch)) {
    throw githubError(
      409,
      'Could not update file: Changes must be made through a pull request.',
    );
  }
  const blob = await repo.git.writeBlob(Buffer.from(input.content, 'base64'));
  const parentInfo = await repo.git.readCommit(parent);
  const tree = await repo.git.writeFileToTree(parentInfo.tree, path, blob);
  const author = input.author ?? input.committer ?? signatureOf(ctx.user);
  const commit = await repo.git.commitTree({
    tree,
    parents: [parent],
    message: input.message,
    author,
    committer: input.committer ?? author,
  });
  if (!(await repo.git.updateRef(`refs/heads/${branch}`, commit, parent))) {
    throw githubError(409, `is at ${parent} but expected a different sha`);
  }
  const now = timestamp();
  const full = `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}`;
  const content = await repo.git.readBlob(blob);
  return {
    status: existing ? 200 : 201,
    body: {
      content: {
        type: 'file',
        size: content.length,
        name: path.split('/').pop(),
        path,
        sha: blob,
        ...fileUrls(ctx.urls, repo, path, branch, blob),
      },
      commit: {
        sha: commit,
        node_id: Buffer.from(`Commit:${commit}`).toString('base64'),
        url: `${full}/git/commits/${commit}`,
        html_url: `${ctx.urls.web}/${repo.owner.login}/${repo.name}/commit/${commit}`,
        author: { ...author, date: now },
        committer: { ...(input.committer ?? author), date: now },
        message: input.message,
        tree: { sha: tree, url: `${full}/git/trees/${tree}` },
        parents: [
          {
            sha: parent,
            url: `${full}/git/commits/${parent}`,
            html_url: `${ctx.urls.web}/${repo.owner.login}/${repo.name}/commit/${parent}`,
          },
        ],
        verification: {
          verified: false,
          reason: 'unsigned',
          signature: null,
          payload: null,
          verified_at: null,
        },
      },
    },
  };
};
