import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { startGitHubTestServer } from './index';
import type { GitHubTestServer } from './index';

function octokitFor(server: GitHubTestServer) {
  const quiet = () => {};
  return new Octokit({
    baseUrl: server.baseUrl,
    auth: server.token,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
}

const owner = 'image-factory';
const repo = 'examples';

function start(dataDir: string, seed: string) {
  return startGitHubTestServer({
    dataDir,
    repos: [{ owner, name: repo, files: { 'images.yaml': seed } }],
  });
}

/** Opens a pull request that edits images.yaml on a branch of its own. */
async function openPull(octokit: Octokit, branch: string, content: string) {
  const { data: main } = await octokit.rest.git.getRef({
    owner,
    repo,
    ref: 'heads/main',
  });
  await octokit.rest.git.createRef({
    owner,
    repo,
    ref: `refs/heads/${branch}`,
    sha: main.object.sha,
  });
  const { data: file } = await octokit.rest.repos.getContent({
    owner,
    repo,
    path: 'images.yaml',
    ref: branch,
  });
  if (Array.isArray(file)) throw new Error('expected a file');
  await octokit.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: 'images.yaml',
    message: `Change on ${branch}`,
    content: Buffer.from(content).toString('base64'),
    sha: file.sha,
    branch,
  });
  const { data: pr } = await octokit.rest.pulls.create({
    owner,
    repo,
    title: `Change on ${branch}`,
    head: branch,
    base: 'main',
  });
  return pr.number;
}

// The first server of a file loads GitHub's OpenAPI description (tens of MB).
jest.setTimeout(60_000);

describe('startGitHubTestServer with a data directory', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'github-test-server-data-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps repositories, merged changes and open pull requests across restarts', async () => {
    let server = await start(dataDir, 'images: []\n');
    let octokit = octokitFor(server);
    const merged = await openPull(octokit, 'enroll-a', 'images: [a]\n');
    await server.mergePullRequest(owner, repo, merged);
    const open = await openPull(octokit, 'enroll-b', 'images: [b]\n');
    await octokit.rest.issues.addLabels({
      owner,
      repo,
      issue_number: open,
      labels: ['image-factory'],
    });
    expect(server.violations()).toEqual([]);
    await server.stop();

    // The seed has changed since: a kept repository is not seeded again.
    server = await start(dataDir, 'images: [seeded-again]\n');
    octokit = octokitFor(server);
    try {
      expect(await server.readFile(owner, repo, 'main', 'images.yaml')).toBe(
        'images: [a]\n',
      );
      const { data: pulls } = await octokit.rest.pulls.list({
        owner,
        repo,
        state: 'all',
      });
      expect(
        pulls
          .map(p => ({
            number: p.number,
            state: p.state,
            merged: !!p.merged_at,
            labels: p.labels.map(l => l.name),
          }))
          .sort((a, b) => a.number - b.number),
      ).toEqual([
        { number: merged, state: 'closed', merged: true, labels: [] },
        {
          number: open,
          state: 'open',
          merged: false,
          labels: ['image-factory'],
        },
      ]);
      // The open one can still be merged, and numbering goes on.
      await server.mergePullRequest(owner, repo, open);
      expect(await server.readFile(owner, repo, 'main', 'images.yaml')).toBe(
        'images: [b]\n',
      );
      expect(await openPull(octokit, 'enroll-c', 'images: [c]\n')).toBe(
        open + 1,
      );
      expect(server.violations()).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('seeds a repository the data directory does not hold yet', async () => {
    const server = await start(dataDir, 'images: [first]\n');
    try {
      expect(await server.readFile(owner, repo, 'main', 'images.yaml')).toBe(
        'images: [first]\n',
      );
    } finally {
      await server.stop();
    }
  });

  it('without a data directory, forgets everything on stop', async () => {
    const first = await startGitHubTestServer({
      repos: [{ owner, name: repo, files: { 'images.yaml': 'images: []\n' } }],
    });
    const gitDir = first.repoPath(owner, repo);
    await openPull(octokitFor(first), 'enroll-a', 'images: [a]\n');
    await first.stop();
    expect(existsSync(gitDir)).toBe(false);
  });
});
