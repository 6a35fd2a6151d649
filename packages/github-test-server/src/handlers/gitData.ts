import { signatureOf, timestamp } from '../GitHubState';
import { notFound, validationFailed } from '../errors';
import { gitCommit, GitPerson, gitRef, gitTree } from '../payloads';
import { RepoState } from '../state';
import { Handler } from './types';

const SHA = /^[0-9a-f]{40}$/;

/** `Name <email> 1700000000 +0000` of a commit header, as GitHub shows it. */
function person(line: string | undefined): GitPerson {
  const match = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line ?? '');
  if (!match) return { name: '', email: '', date: timestamp() };
  const date = new Date(Number(match[3]) * 1000)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z');
  return { name: match[1], email: match[2], date };
}

async function readCommit(repo: RepoState, sha: string) {
  const { stdout, code } = await repo.git.git(['cat-file', 'commit', sha]);
  if (code !== 0) throw notFound();
  const text = stdout.toString('utf8');
  const [header, ...body] = text.split('\n\n');
  const lines = header.split('\n');
  const field = (name: string) =>
    lines.find(l => l.startsWith(`${name} `))?.slice(name.length + 1);
  return {
    sha,
    tree: field('tree')!,
    parents: lines
      .filter(l => l.startsWith('parent '))
      .map(l => l.slice('parent '.length)),
    message: body.join('\n\n'),
    author: person(field('author')),
    committer: person(field('committer')),
  };
}

async function objectType(repo: RepoState, sha: string) {
  if (!SHA.test(sha) || !(await repo.git.objectExists(sha))) return undefined;
  const { stdout, code } = await repo.git.git(['cat-file', '-t', sha]);
  return code === 0 ? stdout.toString('utf8').trim() : undefined;
}

/** `GET /repos/{owner}/{repo}/git/commits/{commit_sha}` */
export const getGitCommit: Handler = async ctx => {
  const repo = ctx.repo();
  const sha = ctx.params.commit_sha;
  if ((await objectType(repo, sha)) !== 'commit') throw notFound();
  return {
    status: 200,
    body: gitCommit(ctx.urls, repo, await readCommit(repo, sha)),
  };
};

/**
 * `POST /repos/{owner}/{repo}/git/trees`: entries with `content` or a blob
 * `sha`, on top of `base_tree` if given. Deleting (`sha: null`) is not supported.
 */
export const createTree: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const input = ctx.body as {
    base_tree?: string;
    tree: Array<{
      path?: string;
      mode?: '100644' | '100755' | '040000' | '160000' | '120000';
      type?: string;
      sha?: string | null;
      content?: string;
    }>;
  };
  let tree: string | undefined;
  if (input.base_tree !== undefined) {
    if ((await objectType(repo, input.base_tree)) !== 'tree') {
      throw validationFailed('base_tree is not a valid tree oid');
    }
    tree = input.base_tree;
  }
  for (const item of input.tree) {
    if (!item.path || item.type !== 'blob') {
      throw validationFailed(
        'Only blob entries with a path are supported by the test server',
      );
    }
    if ((item.sha === undefined) === (item.content === undefined)) {
      throw validationFailed(
        'Must supply either tree.sha or tree.content, not both',
      );
    }
    let blob: string;
    if (item.content !== undefined) {
      blob = await repo.git.writeBlob(Buffer.from(item.content, 'utf8'));
    } else if (item.sha && (await objectType(repo, item.sha)) === 'blob') {
      blob = item.sha;
    } else {
      throw validationFailed(`tree.sha ${item.sha} is not a valid blob`);
    }
    const mode = item.mode === '100755' ? '100755' : '100644';
    tree = await repo.git.writeFileToTree(tree, item.path, blob, mode);
  }
  if (!tree) throw validationFailed('tree must not be empty');
  return {
    status: 201,
    body: gitTree(ctx.urls, repo, tree, await repo.git.readTree(tree)),
  };
};

/** `POST /repos/{owner}/{repo}/git/commits`, authored by the token's user. */
export const createCommit: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const input = ctx.body as {
    message: string;
    tree: string;
    parents?: string[];
  };
  if ((await objectType(repo, input.tree)) !== 'tree') {
    throw validationFailed('Tree SHA does not exist');
  }
  for (const parent of input.parents ?? []) {
    if ((await objectType(repo, parent)) !== 'commit') {
      throw validationFailed(
        'Parent SHA does not exist or is not a commit object',
      );
    }
  }
  const sha = await repo.git.commitTree({
    tree: input.tree,
    parents: input.parents ?? [],
    message: input.message,
    author: signatureOf(ctx.user),
  });
  return {
    status: 201,
    body: gitCommit(ctx.urls, repo, await readCommit(repo, sha)),
    headers: {
      location: `${ctx.urls.api}/repos/${repo.owner.login}/${repo.name}/git/commits/${sha}`,
    },
  };
};

/**
 * `PATCH /repos/{owner}/{repo}/git/refs/{ref}` (ref like `heads/feature`):
 * a fast-forward unless `force` is true, as GitHub checks it.
 */
export const updateRef: Handler = async ctx => {
  const repo = ctx.repo();
  ctx.requireWrite();
  const { sha, force } = ctx.body as { sha: string; force?: boolean };
  const ref = `refs/${ctx.params.ref}`;
  const current = await repo.git.resolveRef(ref);
  if (!current || !/^(heads|tags)\//.test(ctx.params.ref)) {
    throw validationFailed('Reference does not exist');
  }
  if ((await objectType(repo, sha)) !== 'commit') {
    throw validationFailed('Object does not exist');
  }
  const branch = ctx.params.ref.replace(/^heads\//, '');
  if (ref.startsWith('refs/heads/') && repo.protectedBranches.has(branch)) {
    throw validationFailed('Cannot force-push to this branch');
  }
  if (!force && !(await repo.git.isAncestor(current, sha))) {
    throw validationFailed('Update is not a fast forward');
  }
  if (!(await repo.git.updateRef(ref, sha, current))) {
    throw validationFailed('Reference cannot be updated');
  }
  return { status: 200, body: gitRef(ctx.urls, repo, ref, sha) };
};
