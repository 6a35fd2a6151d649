import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { ServiceUnavailableError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import { ConfigList } from './configLists';
import { GitHubRequestError } from './githubErrors';
import { withRetries } from './withRetries';
import { EnrollmentConfig, EnrollmentTarget } from './readEnrollmentConfig';

/** `images.yaml` as read from a branch. */
export interface ConfigFile {
  text: string;
  /**
   * The blob sha, which the commit that replaces the file must name; absent
   * for a file that does not exist yet.
   */
  blobSha?: string;
}

/** The part of a pull request the factory follows. */
export interface PullRequestInfo {
  number: number;
  url: string;
  branch: string;
  state: 'open' | 'merged' | 'closed';
  /** The head branch's commit (live while open). */
  headSha: string;
  /** The base branch's commit (live while open). */
  baseSha: string;
  /** Whether it merges cleanly; null or absent while GitHub computes it. */
  mergeable?: boolean | null;
}

const quiet = () => {};

function pullInfo(pr: {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  head: { ref: string; sha: string };
  base: { sha: string };
  mergeable?: boolean | null;
}): PullRequestInfo {
  let state: PullRequestInfo['state'] = 'open';
  if (pr.state !== 'open') state = pr.merged_at ? 'merged' : 'closed';
  return {
    number: pr.number,
    url: pr.html_url,
    branch: pr.head.ref,
    state,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    ...(pr.mergeable !== undefined ? { mergeable: pr.mergeable } : {}),
  };
}

/**
 * The factory's config repository on GitHub, through @octokit/rest with the
 * credentials of Backstage's GitHub integration for its host. Every call
 * retries 5xx answers a bounded number of times, waits out short rate limits,
 * and fails with a {@link GitHubRequestError} that says what to fix.
 */
export class GitHubConfigRepository {
  readonly target: EnrollmentTarget;

  static create(options: {
    config: EnrollmentConfig;
    integrations: ScmIntegrations;
    logger: LoggerService;
    /** Base of the exponential backoff between retries. Default: 500 ms. */
    retryBaseDelayMs?: number;
  }) {
    return new GitHubConfigRepository(options);
  }

  private readonly credentials: DefaultGithubCredentialsProvider;

  private constructor(
    private readonly options: {
      config: EnrollmentConfig;
      integrations: ScmIntegrations;
      logger: LoggerService;
      retryBaseDelayMs?: number;
    },
  ) {
    this.target = options.config.target;
    this.credentials = DefaultGithubCredentialsProvider.fromIntegrations(
      options.integrations,
    );
  }

  get repoName() {
    return `${this.target.owner}/${this.target.repo}`;
  }

  /**
   * Checks, before anything is written, that the credentials can see the
   * repository and its base branch and may push to it. Returns the base
   * branch's head commit.
   */
  async preflight(): Promise<{ baseSha: string }> {
    const { owner, repo, branch, host } = this.target;
    const repository = await this.call('read the repository', o =>
      o.rest.repos.get({ owner, repo }),
    );
    // Installation tokens of GitHub Apps get no `permissions`; their writes
    // are checked by GitHub when they happen.
    const permissions = repository.data.permissions;
    if (permissions && !permissions.push) {
      throw new GitHubRequestError(
        `The Image Factory's GitHub credentials for ${host} can read ${this.repoName} but not push to it, so no pull request can be opened: give them "contents: write" and "pull requests: write" on ${this.repoName} (fine-grained token or GitHub App) or the "repo" scope (classic token)`,
        503,
      );
    }
    try {
      const ref = await this.call(`read the branch ${branch}`, o =>
        o.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
      );
      return { baseSha: ref.data.object.sha };
    } catch (error) {
      if (error instanceof GitHubRequestError && error.githubStatus === 404) {
        throw new GitHubRequestError(
          `The base branch ${branch} does not exist in ${this.repoName} (from imageFactory.enrollment.target)`,
          503,
        );
      }
      throw error;
    }
  }

  /** Reads images.yaml (or the file at `path`) from a branch or commit. */
  async readFile(ref: string, path = this.target.path): Promise<ConfigFile> {
    const { owner, repo } = this.target;
    const answer = await this.call(`read ${path}`, o =>
      o.rest.repos.getContent({ owner, repo, path, ref }),
    );
    const data = answer.data as {
      type?: string;
      content?: string;
      sha: string;
    };
    if (data.type !== 'file' || data.content === undefined) {
      throw new GitHubRequestError(
        `${path} in ${this.repoName} is not a file`,
        503,
      );
    }
    return {
      text: Buffer.from(data.content, 'base64').toString('utf8'),
      blobSha: data.sha,
    };
  }

  /**
   * Where the file of `list` is in the repository: images.yaml, or the
   * refinery's wheels.yaml when its location is in this repository.
   */
  pathOf(list: ConfigList): string {
    if (list.subject === 'image') return this.target.path;
    if (!this.target.wheelsPath) {
      throw new ServiceUnavailableError(
        `Wheel sets are not enrolled by pull request here: set imageFactory.refinery.wheels.location to the URL of wheels.yaml in ${this.repoName} on ${this.target.branch} (the repository of images.yaml)`,
      );
    }
    return this.target.wheelsPath;
  }

  /**
   * Reads the file of `list` from a branch or commit; one that may be
   * created (wheels.yaml) reads as its empty form while it does not exist.
   */
  async readListFile(
    ref: string,
    list: ConfigList,
  ): Promise<ConfigFile & { path: string }> {
    const path = this.pathOf(list);
    try {
      return { ...(await this.readFile(ref, path)), path };
    } catch (error) {
      if (
        list.emptyFile !== undefined &&
        error instanceof GitHubRequestError &&
        error.githubStatus === 404
      ) {
        return { text: list.emptyFile, path };
      }
      throw error;
    }
  }

  async createBranch(branch: string, sha: string): Promise<void> {
    const { owner, repo } = this.target;
    await this.call(`create the branch ${branch}`, o =>
      o.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha }),
    );
  }

  /** Deletes a branch; one that is already gone is fine. */
  async deleteBranch(branch: string): Promise<void> {
    const { owner, repo } = this.target;
    try {
      await this.call(`delete the branch ${branch}`, o =>
        o.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}` }),
      );
    } catch (error) {
      if (
        error instanceof GitHubRequestError &&
        error.githubStatus === 422 &&
        /Reference does not exist/.test(error.message)
      ) {
        return;
      }
      throw error;
    }
  }

  /** Whether a branch exists. */
  async branchExists(branch: string): Promise<boolean> {
    const { owner, repo } = this.target;
    try {
      await this.call(`read the branch ${branch}`, o =>
        o.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
      );
      return true;
    } catch (error) {
      if (error instanceof GitHubRequestError && error.githubStatus === 404) {
        return false;
      }
      throw error;
    }
  }

  /** One commit on `branch` that replaces images.yaml; returns the commit. */
  async commitFile(options: {
    branch: string;
    text: string;
    blobSha?: string;
    message: string;
    /** The file to replace; images.yaml when absent. */
    path?: string;
  }): Promise<string> {
    const { owner, repo } = this.target;
    const path = options.path ?? this.target.path;
    const answer = await this.call(`commit ${path} to ${options.branch}`, o =>
      o.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path,
        branch: options.branch,
        message: options.message,
        sha: options.blobSha,
        content: Buffer.from(options.text, 'utf8').toString('base64'),
      }),
    );
    return answer.data.commit.sha!;
  }

  /**
   * A commit on top of `parent` whose images.yaml is `text`, made through the
   * Git database (no branch moves); returns it.
   */
  async commitOnto(options: {
    parent: string;
    text: string;
    message: string;
    /** The file to replace; images.yaml when absent. */
    path?: string;
  }): Promise<string> {
    const { owner, repo } = this.target;
    const path = options.path ?? this.target.path;
    const parent = await this.call(`read the commit ${options.parent}`, o =>
      o.rest.git.getCommit({ owner, repo, commit_sha: options.parent }),
    );
    const tree = await this.call(`write the tree with ${path}`, o =>
      o.rest.git.createTree({
        owner,
        repo,
        base_tree: parent.data.tree.sha,
        tree: [{ path, mode: '100644', type: 'blob', content: options.text }],
      }),
    );
    const commit = await this.call(`write the commit with ${path}`, o =>
      o.rest.git.createCommit({
        owner,
        repo,
        message: options.message,
        tree: tree.data.sha,
        parents: [options.parent],
      }),
    );
    return commit.data.sha;
  }

  /**
   * Points a branch of the factory at `sha` even when that is not a
   * fast-forward: the pull request, its description and its conversation stay.
   */
  async forceBranch(branch: string, sha: string): Promise<void> {
    const { owner, repo } = this.target;
    await this.call(`update the branch ${branch}`, o =>
      o.rest.git.updateRef({
        owner,
        repo,
        ref: `heads/${branch}`,
        sha,
        force: true,
      }),
    );
  }

  /** A comment in a pull request's conversation. */
  async comment(number: number, body: string): Promise<void> {
    const { owner, repo } = this.target;
    await this.call(`comment on pull request #${number}`, o =>
      o.rest.issues.createComment({ owner, repo, issue_number: number, body }),
    );
  }

  async findOpenPullRequest(
    branch: string,
  ): Promise<PullRequestInfo | undefined> {
    const { owner, repo } = this.target;
    const answer = await this.call('list open pull requests', o =>
      o.rest.pulls.list({
        owner,
        repo,
        state: 'open',
        head: `${owner}:${branch}`,
        per_page: 10,
      }),
    );
    const pr = answer.data.find(p => p.head.ref === branch);
    return pr && pullInfo(pr);
  }

  async openPullRequest(options: {
    branch: string;
    title: string;
    body: string;
  }): Promise<PullRequestInfo> {
    const { owner, repo, branch: base } = this.target;
    const answer = await this.call('open the pull request', o =>
      o.rest.pulls.create({
        owner,
        repo,
        base,
        head: options.branch,
        title: options.title,
        body: options.body,
      }),
    );
    return pullInfo(answer.data);
  }

  /** Labels and reviewers from config; a label GitHub does not know is created. */
  async decoratePullRequest(
    number: number,
    labels: string[],
    reviewers: string[],
  ): Promise<void> {
    const { owner, repo } = this.target;
    if (labels.length > 0) {
      await this.call(`label pull request #${number}`, o =>
        o.rest.issues.addLabels({ owner, repo, issue_number: number, labels }),
      );
    }
    if (reviewers.length > 0) {
      await this.call(`request reviewers on pull request #${number}`, o =>
        o.rest.pulls.requestReviewers({
          owner,
          repo,
          pull_number: number,
          reviewers,
        }),
      );
    }
  }

  async closePullRequest(number: number): Promise<void> {
    const { owner, repo } = this.target;
    await this.call(`close pull request #${number}`, o =>
      o.rest.pulls.update({
        owner,
        repo,
        pull_number: number,
        state: 'closed',
      }),
    );
  }

  async getPullRequest(number: number): Promise<PullRequestInfo> {
    const { owner, repo } = this.target;
    const answer = await this.call(`read pull request #${number}`, o =>
      o.rest.pulls.get({ owner, repo, pull_number: number }),
    );
    return pullInfo(answer.data);
  }

  private async octokit(): Promise<Octokit> {
    const { host, owner, repo, apiBaseUrl, url } = this.target;
    const origin = new URL(url).origin;
    const { token } = await this.credentials.getCredentials({
      url: `${origin}/${owner}/${repo}`,
    });
    if (!token) {
      throw new GitHubRequestError(
        `No GitHub credentials for ${host}: set a token or a GitHub App in integrations.github for that host`,
        503,
      );
    }
    return new Octokit({
      baseUrl: apiBaseUrl,
      auth: token,
      userAgent: 'backstage-image-factory',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
  }

  /** One GitHub call with bounded retries; failures become GitHubRequestErrors. */
  private async call<T>(
    action: string,
    fn: (octokit: Octokit) => Promise<T>,
  ): Promise<T> {
    const octokit = await this.octokit();
    return withRetries(() => fn(octokit), {
      ...this.options.config,
      retryBaseDelayMs: this.options.retryBaseDelayMs,
      logger: this.options.logger,
      context: { action, repo: this.repoName, host: this.target.host },
    });
  }
}
