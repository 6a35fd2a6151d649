import { join } from 'node:path';
import { BareRepository } from './git/BareRepository';
import { githubError, notFound, validationFailed } from './errors';
import {
  IdSequence,
  PackageState,
  PullState,
  RepoState,
  UserState,
} from './state';
import { GitHubTestPackageSeed, GitHubTestRepoSeed } from './types';

/**
 * Everything the fake GitHub knows: users, repositories (each a bare git
 * repository), pull requests and labels, plus the operations that change them.
 * The HTTP handlers translate requests into calls on this class.
 */
export class GitHubState {
  readonly ids = new IdSequence();
  readonly repos = new Map<string, RepoState>();
  readonly users = new Map<string, UserState>();
  /** Container packages, keyed by `org|user/owner/name` (lower case). */
  readonly packages = new Map<string, PackageState>();
  readonly startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');

  constructor(private readonly rootDir: string) {}

  user(login: string): UserState {
    const key = login.toLowerCase();
    let user = this.users.get(key);
    if (!user) {
      user = { id: this.ids.take(), login };
      this.users.set(key, user);
    }
    return user;
  }

  /** The repository, or GitHub's 404 (owner and name are not case sensitive). */
  repo(owner: string, name: string): RepoState {
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw notFound();
    return repo;
  }

  /**
   * Creates or replaces a container package with its versions; ids grow in
   * push order, so the last version given is the newest.
   */
  createPackage(seed: GitHubTestPackageSeed): PackageState {
    const ownerType = seed.ownerType ?? 'org';
    const now = timestamp();
    const pkg: PackageState = {
      id: this.ids.take(),
      owner: this.user(seed.owner),
      ownerType,
      name: seed.name,
      versions: seed.versions.map(v => ({
        id: this.ids.take(),
        digest: v.digest,
        tags: [...(v.tags ?? [])],
        createdAt: v.createdAt ?? now,
        updatedAt: v.updatedAt ?? v.createdAt ?? now,
      })),
    };
    this.packages.set(packageKey(ownerType, seed.owner, seed.name), pkg);
    return pkg;
  }

  /** The container package, or GitHub's 404 (also when the owner is of the other kind). */
  containerPackage(
    ownerType: 'org' | 'user',
    owner: string,
    name: string,
  ): PackageState {
    const pkg = this.packages.get(packageKey(ownerType, owner, name));
    if (!pkg) throw notFound();
    return pkg;
  }

  async createRepo(seed: GitHubTestRepoSeed): Promise<RepoState> {
    const key = `${seed.owner}/${seed.name}`.toLowerCase();
    if (this.repos.has(key)) {
      throw validationFailed('Repository creation failed.', [
        {
          resource: 'Repository',
          code: 'custom',
          field: 'name',
          message: 'name already exists on this account',
        },
      ]);
    }
    const defaultBranch = seed.defaultBranch ?? 'main';
    const id = this.ids.take();
    const git = await BareRepository.init(
      join(this.rootDir, `${id}.git`),
      defaultBranch,
    );
    const owner = this.user(seed.owner);
    const commit = await git.commitFiles({
      files: seed.files ?? { 'README.md': `# ${seed.name}\n` },
      executables: seed.executables,
      message: 'Initial commit',
      author: signatureOf(owner),
    });
    await git.updateRef(`refs/heads/${defaultBranch}`, commit, '');
    const repo: RepoState = {
      id,
      owner,
      name: seed.name,
      private: seed.private ?? false,
      defaultBranch,
      git,
      createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      protectedBranches: new Set(),
      pulls: [],
      labels: new Map(),
      nextNumber: 1,
    };
    this.repos.set(key, repo);
    return repo;
  }

  /** A branch name, a full ref or a commit sha, to a commit sha. */
  async resolveCommit(
    repo: RepoState,
    ref: string,
  ): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/.test(ref)) {
      return (await repo.git.objectExists(ref)) ? ref : undefined;
    }
    const full = ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
    return (
      (await repo.git.resolveRef(full)) ??
      (ref.startsWith('refs/')
        ? undefined
        : repo.git.resolveRef(`refs/tags/${ref}`))
    );
  }

  async readFile(
    repo: RepoState,
    ref: string,
    path: string,
  ): Promise<Buffer | undefined> {
    const commit = await this.resolveCommit(repo, ref);
    if (!commit) return undefined;
    const entry = await repo.git.entryAt(commit, path);
    if (!entry || entry.type !== 'blob') return undefined;
    return repo.git.readBlob(entry.sha);
  }

  pull(repo: RepoState, number: number): PullState {
    const pr = repo.pulls.find(p => p.number === number);
    if (!pr) throw notFound();
    return pr;
  }

  /** The head and base commits of a pull request: live while open, frozen once closed. */
  async pullShas(repo: RepoState, pr: PullState) {
    if (pr.state === 'closed')
      return { headSha: pr.headSha, baseSha: pr.baseSha };
    const headSha =
      (await repo.git.resolveRef(`refs/heads/${pr.head}`)) ?? pr.headSha;
    const baseSha =
      (await repo.git.resolveRef(`refs/heads/${pr.base}`)) ?? pr.baseSha;
    return { headSha, baseSha };
  }

  async createPull(
    repo: RepoState,
    user: UserState,
    input: {
      title?: string;
      head: string;
      base: string;
      body?: string;
      draft?: boolean;
      maintainer_can_modify?: boolean;
    },
  ): Promise<PullState> {
    const head = input.head.includes(':')
      ? input.head.split(':')[1]
      : input.head;
    const headSha = await repo.git.resolveRef(`refs/heads/${head}`);
    const baseSha = await repo.git.resolveRef(`refs/heads/${input.base}`);
    if (!baseSha) {
      throw validationFailed('Validation Failed', [
        { resource: 'PullRequest', field: 'base', code: 'invalid' },
      ]);
    }
    if (!headSha) {
      throw validationFailed('Validation Failed', [
        { resource: 'PullRequest', field: 'head', code: 'invalid' },
      ]);
    }
    const existing = repo.pulls.find(
      p => p.state === 'open' && p.head === head && p.base === input.base,
    );
    if (existing) {
      throw validationFailed('Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${repo.owner.login}:${head}.`,
        },
      ]);
    }
    if (headSha === baseSha || (await repo.git.isAncestor(headSha, baseSha))) {
      throw validationFailed('Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `No commits between ${input.base} and ${head}`,
        },
      ]);
    }
    const now = timestamp();
    const pr: PullState = {
      id: this.ids.take(),
      number: repo.nextNumber++,
      title: input.title ?? head,
      body: input.body ?? null,
      head,
      base: input.base,
      headSha,
      baseSha,
      draft: input.draft ?? false,
      state: 'open',
      merged: false,
      mergeCommitSha: null,
      mergedBy: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      user,
      labels: [],
      requestedReviewers: [],
      requestedTeams: [],
      maintainerCanModify: input.maintainer_can_modify ?? false,
    };
    repo.pulls.push(pr);
    return pr;
  }

  /**
   * Merges a pull request with a merge commit built by `git merge-tree
   * --write-tree`, and moves the base branch only if nobody moved it meanwhile.
   */
  async mergePull(
    repo: RepoState,
    pr: PullState,
    user: UserState,
    options: {
      sha?: string;
      commitTitle?: string;
      commitMessage?: string;
    } = {},
  ): Promise<string> {
    if (pr.state !== 'open') {
      throw githubError(405, 'Pull Request is not mergeable');
    }
    const { headSha, baseSha } = await this.pullShas(repo, pr);
    if (options.sha && options.sha !== headSha) {
      throw githubError(
        409,
        'Head branch was modified. Review and try the merge again.',
      );
    }
    const tree = await repo.git.mergeTrees(baseSha, headSha);
    if (!tree) {
      throw githubError(405, 'Merge conflict');
    }
    const title =
      options.commitTitle ??
      `Merge pull request #${pr.number} from ${repo.owner.login}/${pr.head}`;
    const message = options.commitMessage
      ? `${title}\n\n${options.commitMessage}\n`
      : `${title}\n\n${pr.title}\n`;
    const commit = await repo.git.commitTree({
      tree,
      parents: [baseSha, headSha],
      message,
      author: signatureOf(user),
      committer: { name: 'GitHub', email: 'noreply@github.com' },
    });
    if (!(await repo.git.updateRef(`refs/heads/${pr.base}`, commit, baseSha))) {
      throw githubError(
        409,
        'Base branch was modified. Review and try the merge again.',
      );
    }
    const now = timestamp();
    Object.assign(pr, {
      state: 'closed',
      merged: true,
      mergeCommitSha: commit,
      mergedBy: user,
      mergedAt: now,
      closedAt: now,
      updatedAt: now,
      headSha,
      baseSha,
    });
    return commit;
  }

  /** Closes a pull request without merging it. */
  async closePull(repo: RepoState, pr: PullState) {
    const { headSha, baseSha } = await this.pullShas(repo, pr);
    const now = timestamp();
    Object.assign(pr, {
      state: 'closed',
      closedAt: now,
      updatedAt: now,
      headSha,
      baseSha,
    });
  }
}

function packageKey(ownerType: string, owner: string, name: string) {
  return `${ownerType}/${owner}/${name}`.toLowerCase();
}

/** The git author of commits made on behalf of a user. */
export function signatureOf(user: UserState) {
  return {
    name: user.login,
    email: `${user.id}+${user.login}@users.noreply.github.com`,
  };
}

/** GitHub's timestamp format: ISO 8601 without milliseconds. */
export function timestamp() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
