import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';

/** One entry of a git tree, as `git ls-tree` prints it. */
export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  name: string;
}

/** A commit object read back with `git cat-file commit`. */
export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

/** Who a commit is written as. */
export interface Signature {
  name: string;
  email: string;
}

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * A bare git repository driven through git's plumbing commands. Every branch,
 * commit, tree and blob the test server talks about is a real object in here.
 */
export class BareRepository {
  private constructor(readonly dir: string) {}

  static async init(dir: string, defaultBranch: string) {
    await mkdir(dir, { recursive: true });
    const repo = new BareRepository(dir);
    await repo.git([
      'init',
      '--bare',
      '--quiet',
      `--initial-branch=${defaultBranch}`,
    ]);
    return repo;
  }

  /** A bare repository made earlier (a saved state's), without touching it. */
  static open(dir: string) {
    return new BareRepository(dir);
  }

  git(
    args: string[],
    options: { input?: Buffer | string; env?: Record<string, string> } = {},
  ) {
    return new Promise<{ stdout: Buffer; code: number }>((resolve, reject) => {
      const child = execFile(
        'git',
        args,
        {
          cwd: this.dir,
          encoding: 'buffer',
          maxBuffer: 64 * 1024 * 1024,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: this.dir,
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_DIR: this.dir,
            ...options.env,
          },
        },
        (error, stdout, stderr) => {
          const code = error
            ? Number((error as { code?: unknown }).code ?? 1)
            : 0;
          if (error && !Number.isInteger(code)) {
            reject(error);
            return;
          }
          if (error && code !== 1) {
            reject(
              new Error(
                `git ${args[0]} failed (${code}): ${stderr.toString()}`,
              ),
            );
            return;
          }
          resolve({ stdout, code });
        },
      );
      // git may exit before reading its input (e.g. an unknown ref); that is not an error here.
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input ?? '');
    });
  }

  private async gitOk(args: string[], input?: Buffer | string) {
    const { stdout, code } = await this.git(args, { input });
    if (code !== 0) {
      throw new Error(`git ${args.join(' ')} exited with ${code}`);
    }
    return stdout.toString('utf8').trim();
  }

  /** Resolves a full ref name (`refs/heads/main`) to a commit sha, if it exists. */
  async resolveRef(ref: string): Promise<string | undefined> {
    const { stdout, code } = await this.git([
      'rev-parse',
      '--verify',
      '--quiet',
      `${ref}^{commit}`,
    ]);
    return code === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  /** Lists refs under a prefix, e.g. `refs/heads/`. */
  async listRefs(prefix: string) {
    const out = await this.gitOk([
      'for-each-ref',
      '--format=%(refname) %(objectname)',
      prefix,
    ]);
    return out
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [ref, sha] = line.split(' ');
        return { ref, sha };
      });
  }

  async writeBlob(content: Buffer) {
    return this.gitOk(['hash-object', '-w', '--stdin'], content);
  }

  async readBlob(sha: string) {
    const { stdout } = await this.git(['cat-file', 'blob', sha]);
    return stdout;
  }

  async objectExists(sha: string) {
    const { code } = await this.git(['cat-file', '-e', sha]);
    return code === 0;
  }

  async readTree(treeish: string): Promise<TreeEntry[]> {
    const out = (await this.git(['ls-tree', '-z', treeish])).stdout.toString(
      'utf8',
    );
    return out
      .split('\0')
      .filter(Boolean)
      .map(line => {
        const [meta, name] = line.split('\t');
        const [mode, type, sha] = meta.split(' ');
        return { mode, type: type as TreeEntry['type'], sha, name };
      });
  }

  /** Finds the entry at `path` in a commit's tree (the root tree for an empty path). */
  async entryAt(commit: string, path: string): Promise<TreeEntry | undefined> {
    const info = await this.readCommit(commit);
    let entry: TreeEntry = {
      mode: '040000',
      type: 'tree',
      sha: info.tree,
      name: '',
    };
    for (const part of path.split('/').filter(Boolean)) {
      if (entry.type !== 'tree') return undefined;
      const found = (await this.readTree(entry.sha)).find(e => e.name === part);
      if (!found) return undefined;
      entry = found;
    }
    return entry;
  }

  /** Returns a new tree equal to `tree` with the file at `path` set to `blob`. */
  async writeFileToTree(
    tree: string | undefined,
    path: string,
    blob: string,
    mode: '100644' | '100755' = '100644',
  ): Promise<string> {
    const [head, ...rest] = path.split('/').filter(Boolean);
    const entries = tree ? await this.readTree(tree) : [];
    const existing = entries.find(e => e.name === head);
    const others = entries.filter(e => e.name !== head);
    let entry: TreeEntry;
    if (rest.length === 0) {
      entry = { mode, type: 'blob', sha: blob, name: head };
    } else {
      const subtree = existing?.type === 'tree' ? existing.sha : undefined;
      const sha = await this.writeFileToTree(
        subtree,
        rest.join('/'),
        blob,
        mode,
      );
      entry = { mode: '040000', type: 'tree', sha, name: head };
    }
    const input = [...others, entry]
      .map(e => `${e.mode} ${e.type} ${e.sha}\t${e.name}\0`)
      .join('');
    return this.gitOk(['mktree', '-z'], input);
  }

  async commitTree(options: {
    tree: string;
    parents: string[];
    message: string;
    author: Signature;
    committer?: Signature;
  }) {
    const committer = options.committer ?? options.author;
    const date = new Date().toISOString();
    const args = ['commit-tree', options.tree];
    for (const parent of options.parents) args.push('-p', parent);
    const { stdout, code } = await this.git(args, {
      input: options.message,
      env: {
        GIT_AUTHOR_NAME: options.author.name,
        GIT_AUTHOR_EMAIL: options.author.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
        GIT_COMMITTER_DATE: date,
      },
    });
    if (code !== 0) throw new Error('git commit-tree failed');
    return stdout.toString('utf8').trim();
  }

  /** Creates a commit from a whole set of files, on top of `parent` if given. */
  async commitFiles(options: {
    parent?: string;
    files: Record<string, string | Buffer>;
    /** Paths of `files` committed as executables (mode 100755). */
    executables?: string[];
    message: string;
    author: Signature;
  }) {
    let tree = options.parent
      ? (await this.readCommit(options.parent)).tree
      : EMPTY_TREE;
    for (const [path, content] of Object.entries(options.files)) {
      const blob = await this.writeBlob(Buffer.from(content));
      tree = await this.writeFileToTree(
        tree === EMPTY_TREE ? undefined : tree,
        path,
        blob,
        options.executables?.includes(path) ? '100755' : '100644',
      );
    }
    return this.commitTree({
      tree,
      parents: options.parent ? [options.parent] : [],
      message: options.message,
      author: options.author,
    });
  }

  async readCommit(sha: string): Promise<CommitInfo> {
    const text = (await this.git(['cat-file', 'commit', sha])).stdout.toString(
      'utf8',
    );
    const [header, ...body] = text.split('\n\n');
    const lines = header.split('\n');
    const tree = lines.find(l => l.startsWith('tree '))!.slice(5);
    const parents = lines
      .filter(l => l.startsWith('parent '))
      .map(l => l.slice(7));
    return { sha, tree, parents, message: body.join('\n\n') };
  }

  /**
   * Moves `ref` to `sha`, only if it still points at `expected` (the empty
   * string asks that the ref not exist yet). Returns false when it moved meanwhile.
   */
  async updateRef(ref: string, sha: string, expected?: string) {
    const args = ['update-ref', ref, sha];
    if (expected !== undefined) args.push(expected);
    const { code } = await this.git(args);
    return code === 0;
  }

  async deleteRef(ref: string) {
    const { code } = await this.git(['update-ref', '-d', ref]);
    return code === 0;
  }

  async isAncestor(ancestor: string, descendant: string) {
    const { code } = await this.git([
      'merge-base',
      '--is-ancestor',
      ancestor,
      descendant,
    ]);
    return code === 0;
  }

  /** Three-way merges two commits with `git merge-tree --write-tree`; undefined on conflicts. */
  async mergeTrees(ours: string, theirs: string): Promise<string | undefined> {
    const { stdout, code } = await this.git([
      'merge-tree',
      '--write-tree',
      ours,
      theirs,
    ]);
    if (code !== 0) return undefined;
    return stdout.toString('utf8').split('\n')[0].trim();
  }

  /** Files changed between two commits, for the pull request counters. */
  async diffStat(base: string, head: string) {
    const out = await this.gitOk(['diff', '--numstat', base, head]);
    let additions = 0;
    let deletions = 0;
    const lines = out.split('\n').filter(Boolean);
    for (const line of lines) {
      const [a, d] = line.split('\t');
      additions += Number(a) || 0;
      deletions += Number(d) || 0;
    }
    return { additions, deletions, changedFiles: lines.length };
  }

  /** The unified diff a reviewer reads: from the merge base to the head. */
  async diff(base: string, head: string) {
    return this.gitOk(['diff', '--no-color', `${base}...${head}`]);
  }

  async countCommits(base: string, head: string) {
    return Number(
      await this.gitOk(['rev-list', '--count', `${base}..${head}`]),
    );
  }
}
