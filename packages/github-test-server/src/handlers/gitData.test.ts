import { Octokit } from '@octokit/rest';
import { startGitHubTestServer } from '../index';
import type { GitHubTestServer } from '../index';

jest.setTimeout(30_000);

const owner = 'acme';
const repo = 'factory-config';

describe('Git database, ref updates, comments and mergeability', () => {
  let server: GitHubTestServer;
  let octokit: Octokit;

  beforeEach(async () => {
    server = await startGitHubTestServer({
      repos: [
        {
          owner,
          name: repo,
          files: {
            'images.yaml': 'images:\n  - name: a\n',
            'README.md': 'hi\n',
          },
        },
      ],
    });
    const quiet = () => {};
    octokit = new Octokit({
      baseUrl: server.baseUrl,
      auth: server.token,
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
  });

  afterEach(async () => {
    const violations = server.violations();
    await server.stop();
    // Every request and response must match GitHub's OpenAPI description.
    if (violations.length > 0) {
      throw new Error(`Violations: ${JSON.stringify(violations, null, 2)}`);
    }
  });

  /** One commit on top of `parent` that sets images.yaml to `text`. */
  async function commitOnto(parent: string, text: string) {
    const base = await octokit.rest.git.getCommit({
      owner,
      repo,
      commit_sha: parent,
    });
    const tree = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: base.data.tree.sha,
      tree: [
        { path: 'images.yaml', mode: '100644', type: 'blob', content: text },
      ],
    });
    const commit = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: 'Edit images.yaml',
      tree: tree.data.sha,
      parents: [parent],
    });
    return commit.data;
  }

  const mainSha = async () =>
    (await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data
      .object.sha;

  it('builds commits from trees and moves branches, fast-forward unless forced', async () => {
    const start = await mainSha();
    const first = await commitOnto(start, 'images:\n  - name: b\n');
    expect(first.parents.map(p => p.sha)).toEqual([start]);
    expect(first.author.name).toBe('image-factory-bot');
    await octokit.rest.git.createRef({
      owner,
      repo,
      ref: 'refs/heads/edit',
      sha: first.sha,
    });
    // Other files are kept from the base tree.
    expect(await server.readFile(owner, repo, 'edit', 'README.md')).toBe(
      'hi\n',
    );
    expect(await server.readFile(owner, repo, 'edit', 'images.yaml')).toBe(
      'images:\n  - name: b\n',
    );

    // A sibling commit is not a fast-forward: refused, then forced.
    const sibling = await commitOnto(start, 'images:\n  - name: c\n');
    const refused = await octokit.rest.git
      .updateRef({ owner, repo, ref: 'heads/edit', sha: sibling.sha })
      .catch(e => e);
    expect(refused.status).toBe(422);
    expect(refused.message).toContain('Update is not a fast forward');
    const forced = await octokit.rest.git.updateRef({
      owner,
      repo,
      ref: 'heads/edit',
      sha: sibling.sha,
      force: true,
    });
    expect(forced.data.object.sha).toBe(sibling.sha);
    expect(await server.readFile(owner, repo, 'edit', 'images.yaml')).toBe(
      'images:\n  - name: c\n',
    );
    const missing = await octokit.rest.git
      .updateRef({ owner, repo, ref: 'heads/nope', sha: sibling.sha })
      .catch(e => e);
    expect(missing.status).toBe(422);
  });

  it('says whether a pull request merges cleanly, and keeps its comments', async () => {
    const start = await mainSha();
    const edit = await commitOnto(start, 'images:\n  - name: b\n');
    await octokit.rest.git.createRef({
      owner,
      repo,
      ref: 'refs/heads/edit',
      sha: edit.sha,
    });
    const pr = await octokit.rest.pulls.create({
      owner,
      repo,
      head: 'edit',
      base: 'main',
      title: 'Edit',
    });
    expect(pr.data.mergeable).toBe(true);
    expect(pr.data.mergeable_state).toBe('clean');

    // main changes the same line: the pull request conflicts now.
    const other = await commitOnto(start, 'images:\n  - name: z\n');
    await octokit.rest.git.updateRef({
      owner,
      repo,
      ref: 'heads/main',
      sha: other.sha,
    });
    const dirty = await octokit.rest.pulls.get({
      owner,
      repo,
      pull_number: pr.data.number,
    });
    expect(dirty.data.mergeable).toBe(false);
    expect(dirty.data.mergeable_state).toBe('dirty');

    await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: pr.data.number,
      body: 'Re-applied on the new main.',
    });
    const comments = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: pr.data.number,
    });
    expect(comments.data.map(c => c.body)).toEqual([
      'Re-applied on the new main.',
    ]);
    const after = await octokit.rest.pulls.get({
      owner,
      repo,
      pull_number: pr.data.number,
    });
    expect(after.data.comments).toBe(1);
  });
});
