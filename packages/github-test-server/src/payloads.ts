import {
  CommentState,
  LabelState,
  nodeId,
  PullState,
  RepoState,
  UserState,
} from './state';

/** Where the server is reachable: the API root and the web root. */
export interface Urls {
  /** e.g. `http://127.0.0.1:PORT/api/v3` */
  api: string;
  /** e.g. `http://127.0.0.1:PORT` */
  web: string;
}

/** The repository permissions of the token's user. */
export interface RepoPermissions {
  admin: boolean;
  maintain: boolean;
  push: boolean;
  triage: boolean;
  pull: boolean;
}

/** A `simple-user`. */
export function simpleUser(urls: Urls, user: UserState) {
  const url = `${urls.api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('User', user.id),
    avatar_url: `${urls.web}/avatars/${user.login}`,
    gravatar_id: '',
    url,
    html_url: `${urls.web}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The `private-user` that `GET /user` returns for the token's own user. */
export function privateUser(urls: Urls, user: UserState, createdAt: string) {
  return {
    ...simpleUser(urls, user),
    user_view_type: 'private',
    name: user.login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: createdAt,
    updated_at: createdAt,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
  };
}

/** A `repository` (or, with `permissions`, a `full-repository`). */
export function repository(
  urls: Urls,
  repo: RepoState,
  permissions?: RepoPermissions,
) {
  const fullName = `${repo.owner.login}/${repo.name}`;
  const url = `${urls.api}/repos/${fullName}`;
  const base = {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName,
    owner: simpleUser(urls, repo.owner),
    private: repo.private,
    html_url: `${urls.web}/${fullName}`,
    description: null,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://${urls.web.replace(/^https?:\/\//, '')}/${fullName}.git`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@${urls.web
      .replace(/^https?:\/\//, '')
      .replace(/:\d+$/, '')}:${fullName}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${urls.web}/${fullName}.git`,
    mirror_url: null,
    svn_url: `${urls.web}/${fullName}`,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: repo.pulls.filter(p => p.state === 'open').length,
    open_issues: repo.pulls.filter(p => p.state === 'open').length,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
  };
  if (!permissions) return base;
  return {
    ...base,
    permissions,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: false,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    network_count: 0,
    subscribers_count: 0,
  };
}

/** A `label`. */
export function label(urls: Urls, repo: RepoState, state: LabelState) {
  return {
    id: state.id,
    node_id: nodeId('Label', state.id),
    url: `${urls.api}/repos/${repo.owner.login}/${
      repo.name
    }/labels/${encodeURIComponent(state.name)}`,
    name: state.name,
    // \`label\` allows null here, but the labels inside \`pull-request(-simple)\`
    // require a string, so the empty string satisfies both.
    description: '',
    color: state.color,
    default: false,
  };
}

/** A `git-ref`. */
export function gitRef(urls: Urls, repo: RepoState, ref: string, sha: string) {
  const url = `${urls.api}/repos/${repo.owner.login}/${repo.name}`;
  return {
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${url}/git/${ref}`,
    object: { type: 'commit', sha, url: `${url}/git/commits/${sha}` },
  };
}

/** The head/base of a pull request. */
function branchEnd(urls: Urls, repo: RepoState, ref: string, sha: string) {
  return {
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: simpleUser(urls, repo.owner),
    repo: repository(urls, repo),
  };
}

/** GitHub's answer on whether an open pull request merges cleanly. */
function mergeability(pr: PullState, mergeable = true) {
  if (pr.state !== 'open') {
    return { mergeable: null, rebaseable: null, mergeable_state: 'unknown' };
  }
  return {
    mergeable,
    rebaseable: mergeable,
    mergeable_state: mergeable ? 'clean' : 'dirty',
  };
}

/** A `pull-request`; `detail` adds the counters only `pull-request` (not `-simple`) has. */
export function pullRequest(
  urls: Urls,
  repo: RepoState,
  pr: PullState,
  live: { headSha: string; baseSha: string },
  detail?: {
    additions: number;
    deletions: number;
    changedFiles: number;
    commits: number;
    /** Whether head merges into base without conflicts (open pull requests). */
    mergeable?: boolean;
  },
) {
  const repoUrl = `${urls.api}/repos/${repo.owner.login}/${repo.name}`;
  const url = `${repoUrl}/pulls/${pr.number}`;
  const htmlUrl = `${urls.web}/${repo.owner.login}/${repo.name}/pull/${pr.number}`;
  const issueUrl = `${repoUrl}/issues/${pr.number}`;
  const statusesUrl = `${repoUrl}/statuses/${live.headSha}`;
  const labels = pr.labels
    .map(name => repo.labels.get(name))
    .filter((l): l is LabelState => !!l)
    .map(l => label(urls, repo, l));
  const base = {
    url,
    id: pr.id,
    node_id: nodeId('PullRequest', pr.id),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: statusesUrl,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: simpleUser(urls, pr.user),
    body: pr.body,
    labels,
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: pr.requestedReviewers.map((login, i) =>
      simpleUser(urls, { login, id: 5000 + i }),
    ),
    requested_teams: [],
    head: branchEnd(urls, repo, pr.head, live.headSha),
    base: branchEnd(urls, repo, pr.base, live.baseSha),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoUrl}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: statusesUrl },
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: pr.draft,
  };
  if (!detail) return base;
  return {
    ...base,
    merged: pr.merged,
    ...mergeability(pr, detail.mergeable),
    merged_by: pr.mergedBy ? simpleUser(urls, pr.mergedBy) : null,
    comments: pr.comments?.length ?? 0,
    review_comments: 0,
    maintainer_can_modify: pr.maintainerCanModify,
    commits: detail.commits,
    additions: detail.additions,
    deletions: detail.deletions,
    changed_files: detail.changedFiles,
  };
}

/** Who wrote or committed a commit, as git records it. */
export interface GitPerson {
  name: string;
  email: string;
  /** ISO 8601. */
  date: string;
}

/** A `git-commit`, as the Git database API answers. */
export function gitCommit(
  urls: Urls,
  repo: RepoState,
  commit: {
    sha: string;
    tree: string;
    parents: string[];
    message: string;
    author: GitPerson;
    committer: GitPerson;
  },
) {
  const api = `${urls.api}/repos/${repo.owner.login}/${repo.name}`;
  const web = `${urls.web}/${repo.owner.login}/${repo.name}`;
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', `${repo.id}:${commit.sha}`),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${web}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map(sha => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${web}/commit/${sha}`,
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}

/** A `git-tree`: the top level of a tree. */
export function gitTree(
  urls: Urls,
  repo: RepoState,
  sha: string,
  entries: Array<{ mode: string; type: string; sha: string; name: string }>,
) {
  const api = `${urls.api}/repos/${repo.owner.login}/${repo.name}`;
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    truncated: false,
    tree: entries.map(e => ({
      path: e.name,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      url: `${api}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
    })),
  };
}

/** An `issue-comment` on a pull request (pull requests are issues too). */
export function issueComment(
  urls: Urls,
  repo: RepoState,
  issueNumber: number,
  comment: CommentState,
) {
  const api = `${urls.api}/repos/${repo.owner.login}/${repo.name}`;
  const web = `${urls.web}/${repo.owner.login}/${repo.name}`;
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${web}/pull/${issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${issueNumber}`,
    body: comment.body,
    user: simpleUser(urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    author_association: 'OWNER',
  };
}
