import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BareRepository } from './git/BareRepository';
import { GitHubState } from './GitHubState';
import { LabelState, PullState, RepoState, UserState } from './state';

/** The file beside the bare repositories that keeps everything git does not. */
export const STATE_FILE = 'state.json';

interface SavedRepo {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  gitDir: string;
  createdAt: string;
  protectedBranches: string[];
  pulls: PullState[];
  labels: LabelState[];
  nextNumber: number;
}

interface SavedState {
  version: 1;
  lastId: number;
  users: UserState[];
  repos: SavedRepo[];
}

function toSaved(repo: RepoState): SavedRepo {
  return {
    id: repo.id,
    owner: repo.owner.login,
    name: repo.name,
    private: repo.private,
    defaultBranch: repo.defaultBranch,
    gitDir: basename(repo.git.dir),
    createdAt: repo.createdAt,
    protectedBranches: [...repo.protectedBranches],
    pulls: repo.pulls,
    labels: [...repo.labels.values()],
    nextNumber: repo.nextNumber,
  };
}

/**
 * Writes the state (users, repositories, pull requests, labels, ids) to
 * `dir/state.json`; the git objects are already in the bare repositories
 * there. Written to a temporary file first, so a crash never leaves half a file.
 */
export async function saveState(state: GitHubState, dir: string) {
  const saved: SavedState = {
    version: 1,
    lastId: state.ids.last,
    users: [...state.users.values()],
    repos: [...state.repos.values()].map(toSaved),
  };
  const file = join(dir, STATE_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(saved, null, 1)}\n`);
  await rename(`${file}.tmp`, file);
}

/**
 * Loads `dir/state.json` into an empty state, if the file exists; returns
 * whether it did. Users keep their ids, so webhooks and pages stay consistent.
 */
export async function loadState(
  state: GitHubState,
  dir: string,
): Promise<boolean> {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) return false;
  let saved: SavedState;
  try {
    saved = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file} cannot be read (${error}); remove the directory to start afresh`,
    );
  }
  if (saved.version !== 1) {
    throw new Error(`${file}: unknown version ${saved.version}`);
  }
  state.ids.restore(saved.lastId);
  for (const user of saved.users) {
    state.users.set(user.login.toLowerCase(), user);
  }
  for (const repo of saved.repos) {
    state.repos.set(`${repo.owner}/${repo.name}`.toLowerCase(), {
      id: repo.id,
      owner: state.user(repo.owner),
      name: repo.name,
      private: repo.private,
      defaultBranch: repo.defaultBranch,
      git: BareRepository.open(join(dir, repo.gitDir)),
      createdAt: repo.createdAt,
      protectedBranches: new Set(repo.protectedBranches),
      pulls: repo.pulls,
      labels: new Map(repo.labels.map(l => [l.name, l])),
      nextNumber: repo.nextNumber,
    });
  }
  return true;
}
