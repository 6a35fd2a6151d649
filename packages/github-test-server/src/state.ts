import { BareRepository } from './git/BareRepository';

/** A user the server knows: the token's user, or anyone named as a reviewer. */
export interface UserState {
  id: number;
  login: string;
}

/** A pull request, as the server keeps it between requests. */
export interface PullState {
  id: number;
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  /** The head commit when the PR was closed; while open, the branch is read live. */
  headSha: string;
  baseSha: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  mergedBy: UserState | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  user: UserState;
  labels: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  maintainerCanModify: boolean;
  /** Conversation comments (the issue comments of the pull request); absent in older saved states. */
  comments?: CommentState[];
}

/** A comment in a pull request's conversation. */
export interface CommentState {
  id: number;
  body: string;
  user: UserState;
  createdAt: string;
}

/** A label of a repository. */
export interface LabelState {
  id: number;
  name: string;
  color: string;
}

/** One repository: its bare git repository and everything GitHub keeps beside it. */
export interface RepoState {
  id: number;
  owner: UserState;
  name: string;
  private: boolean;
  defaultBranch: string;
  git: BareRepository;
  createdAt: string;
  protectedBranches: Set<string>;
  pulls: PullState[];
  labels: Map<string, LabelState>;
  /** Issues and pull requests share one number sequence, as on GitHub. */
  nextNumber: number;
}

/** Counters shared by the whole server, so ids are unique like GitHub's. */
export class IdSequence {
  private next = 1000;
  take() {
    this.next += 1;
    return this.next;
  }
  /** The last id handed out, to save with the state. */
  get last() {
    return this.next;
  }
  /** Continues after a saved state's last id. */
  restore(last: number) {
    this.next = Math.max(this.next, last);
  }
}

/** The GitHub `node_id` style for a kind and an id. */
export function nodeId(kind: string, id: number | string) {
  return Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');
}

/** One version of a container package: a manifest or index digest and its tags. */
export interface PackageVersionState {
  id: number;
  /** The digest (`sha256:…`), which GitHub gives as the version's `name`. */
  digest: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

/** A container package (an image on ghcr.io) owned by an organization or a user. */
export interface PackageState {
  id: number;
  owner: UserState;
  ownerType: 'org' | 'user';
  /** The image path below the owner (`app`, `tools/builder`). */
  name: string;
  versions: PackageVersionState[];
}
