import { execFileSync } from 'node:child_process';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { ImageStageUpdate } from '@image-factory/plugin-image-factory-common';
import { Octokit } from '@octokit/rest';
import { followUpdatePullRequests } from './followUpdatePullRequests';
import { openUpdatePullRequests } from './openUpdatePullRequests';
import {
  DOCKERFILE,
  KUSTOMIZATION,
  MANIFEST,
  VALUES,
} from './__fixtures__/files';

const OWNER = 'acme';
const BRANCH = 'image-factory/web-api/prod';
const image = {
  name: 'web-api',
  registry: 'localhost:5000',
  repository: 'team/web-api',
};
const digestA = `sha256:${'a1'.repeat(32)}`;
const digestB = `sha256:${'b2'.repeat(32)}`;
const description = {
  cause: 'the base docker.io/library/alpine:3.20 changed',
  revision: '4f2c9e1',
  bases: [
    {
      ref: 'docker.io/library/alpine:3.20',
      from: `sha256:${'c3'.repeat(32)}`,
      to: `sha256:${'d4'.repeat(32)}`,
    },
  ],
};

const updates: ImageStageUpdate[] = [
  {
    repository: 'acme/deploy',
    file: 'overlays/prod/kustomization.yaml',
    kind: 'kustomize',
  },
  { repository: 'acme/chart', file: 'values.yaml', kind: 'helm' },
  { repository: 'acme/platform', file: 'apps/web-api.yaml', kind: 'manifest' },
  { repository: 'acme/platform', file: 'Dockerfile', kind: 'dockerfile' },
  // Names web-api-tools only: a near miss, so this repository fails.
  {
    repository: 'acme/tools',
    branch: 'release',
    file: 'k8s/kustomization.yaml',
    kind: 'kustomize',
  },
];

/** The `+`/`-` lines of `git diff base..branch` in a bare repository. */
function changedLines(server: GitHubTestServer, repo: string, base = 'main') {
  const diff = execFileSync(
    'git',
    ['--git-dir', server.repoPath(OWNER, repo), 'diff', base, BRANCH],
    { encoding: 'utf8' },
  );
  return diff
    .split('\n')
    .filter(l => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
}

function commitsAbove(server: GitHubTestServer, repo: string, base = 'main') {
  return execFileSync(
    'git',
    [
      '--git-dir',
      server.repoPath(OWNER, repo),
      'rev-list',
      `${base}..${BRANCH}`,
    ],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n');
}

// The GitHub test server validates every request against the OpenAPI
// description; on a busy 2-core CI machine a test takes longer than 5 s.
jest.setTimeout(60_000);

describe('openUpdatePullRequests', () => {
  let server: GitHubTestServer;
  let octokit: Octokit;

  beforeAll(async () => {
    server = await startGitHubTestServer({
      repos: [
        {
          owner: OWNER,
          name: 'deploy',
          files: {
            'overlays/prod/kustomization.yaml': KUSTOMIZATION,
          },
        },
        {
          owner: OWNER,
          name: 'chart',
          files: { 'values.yaml': VALUES },
        },
        {
          owner: OWNER,
          name: 'platform',
          files: {
            'apps/web-api.yaml': MANIFEST,
            Dockerfile: DOCKERFILE,
            'README.md': '# platform\n',
          },
        },
        {
          owner: OWNER,
          name: 'tools',
          defaultBranch: 'release',
          files: {
            'k8s/kustomization.yaml':
              'images:\n  - name: localhost:5000/team/web-api-tools # tools only\n    newTag: v9\n',
          },
        },
      ],
    });
    const quiet = () => {};
    octokit = new Octokit({
      baseUrl: server.baseUrl,
      auth: server.token,
      // The 404s the tests provoke are answers, not failures to log.
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
  });

  afterAll(() => server?.stop());

  it('opens one pull request per repository, keeps comments, and opens nothing where a file does not reference the image', async () => {
    const results = await openUpdatePullRequests({
      octokit,
      image,
      stage: 'prod',
      pinned: { tag: '1.4.2', digest: digestA },
      description,
      updates,
    });
    expect(results).toEqual([
      expect.objectContaining({
        repository: 'acme/deploy',
        branch: BRANCH,
        status: 'opened',
        number: 1,
      }),
      expect.objectContaining({
        repository: 'acme/chart',
        status: 'opened',
        number: 1,
      }),
      expect.objectContaining({
        repository: 'acme/platform',
        status: 'opened',
        number: 1,
      }),
      {
        repository: 'acme/tools',
        branch: BRANCH,
        status: 'failed',
        error:
          'updates[4].file: k8s/kustomization.yaml in acme/tools does not reference localhost:5000/team/web-api: no entry of its kustomize images: has it as name or newName',
      },
    ]);
    expect(results[0].url).toBe(`${server.webUrl}/acme/deploy/pull/1`);

    // Only the image lines differ from the base branch; comments stay.
    const ref = `localhost:5000/team/web-api:1.4.2@${digestA}`;
    expect(changedLines(server, 'deploy')).toEqual([
      '-    newTag: "1.4.1" # set by hand last time',
      '+    newTag: "1.4.2" # set by hand last time',
      `+    digest: ${digestA}`,
    ]);
    expect(changedLines(server, 'chart')).toEqual([
      '-  tag: "1.4.1"',
      `+  tag: "1.4.2@${digestA}"`,
    ]);
    expect(changedLines(server, 'platform')).toEqual([
      '-FROM --platform=$BUILDPLATFORM localhost:5000/team/web-api:1.4.1 AS build',
      `+FROM --platform=$BUILDPLATFORM ${ref} AS build`,
      '-FROM localhost:5000/team/web-api:1.4.1',
      `+FROM ${ref}`,
      '-          image: localhost:5000/team/web-api:1.4.1 # pinned by the factory',
      `+          image: ${ref} # pinned by the factory`,
      `-        - {name: migrate, image: 'localhost:5000/team/web-api@sha256:${'0'.repeat(
        64,
      )}'}`,
      `+        - {name: migrate, image: '${ref}'}`,
    ]);
    // Both files of acme/platform in one commit.
    expect(commitsAbove(server, 'platform')).toHaveLength(1);

    const pr = await octokit.rest.pulls.get({
      owner: OWNER,
      repo: 'chart',
      pull_number: 1,
    });
    expect(pr.data.title).toBe('Pin web-api prod to 1.4.2@sha256:a1a1a1a1a1a1');
    expect(pr.data.base.ref).toBe('main');
    expect(pr.data.body).toContain(`\`${ref}\``);
    expect(pr.data.body).toContain(description.cause);
    expect(pr.data.body).toContain(
      '- Base `docker.io/library/alpine:3.20`: `sha256:c3c3c3c3c3c3` → `sha256:d4d4d4d4d4d4`',
    );
    expect(pr.data.body).toContain('- Source revision `4f2c9e1`');

    // Nothing written where a file did not reference the image.
    expect(await server.listBranches(OWNER, 'tools')).toEqual(['release']);
    const toolsPulls = await octokit.rest.pulls.list({
      owner: OWNER,
      repo: 'tools',
      state: 'all',
    });
    expect(toolsPulls.data).toEqual([]);
    expect(server.violations()).toEqual([]);
  });

  it('updates the open pull request with a newer version instead of opening another', async () => {
    const chartHead = async () =>
      (
        await octokit.rest.git.getRef({
          owner: OWNER,
          repo: 'chart',
          ref: `heads/${BRANCH}`,
        })
      ).data.object.sha;
    const results = await openUpdatePullRequests({
      octokit,
      image,
      stage: 'prod',
      pinned: { tag: '1.4.3', digest: digestB },
      description: { cause: 'built by hand' },
      updates: updates.slice(0, 2),
    });
    expect(results.map(r => [r.repository, r.status, r.number])).toEqual([
      ['acme/deploy', 'updated', 1],
      ['acme/chart', 'updated', 1],
    ]);
    expect(changedLines(server, 'deploy')).toEqual([
      '-    newTag: "1.4.1" # set by hand last time',
      '+    newTag: "1.4.3" # set by hand last time',
      `+    digest: ${digestB}`,
    ]);
    expect(commitsAbove(server, 'deploy')).toHaveLength(1);
    const pulls = await octokit.rest.pulls.list({
      owner: OWNER,
      repo: 'deploy',
      state: 'all',
    });
    expect(pulls.data.map(p => [p.number, p.title])).toEqual([
      [1, 'Pin web-api prod to 1.4.3@sha256:b2b2b2b2b2b2'],
    ]);
    expect(pulls.data[0].body).toContain('- Nothing recorded');

    // The same version again: the pull request is kept and no commit is added.
    const before = await chartHead();
    const again = await openUpdatePullRequests({
      octokit,
      image,
      stage: 'prod',
      pinned: { tag: '1.4.3', digest: digestB },
      description: { cause: 'built by hand' },
      updates: updates.slice(1, 2),
    });
    expect(again.map(r => r.status)).toEqual(['updated']);
    expect(await chartHead()).toBe(before);
    expect(server.violations()).toEqual([]);
  });

  it('reports unchanged where the base branch pins the version, and follows merged and closed pull requests', async () => {
    await server.mergePullRequest(OWNER, 'chart', 1);
    await server.closePullRequest(OWNER, 'platform', 1);
    const results = await openUpdatePullRequests({
      octokit,
      image,
      stage: 'prod',
      pinned: { tag: '1.4.3', digest: digestB },
      description: { cause: 'built by hand' },
      updates: updates.slice(1, 2),
    });
    expect(results).toEqual([
      { repository: 'acme/chart', branch: BRANCH, status: 'unchanged' },
    ]);

    const states = await followUpdatePullRequests({
      octokit: async () => octokit,
      records: [
        { repository: 'acme/deploy', number: 1 },
        { repository: 'acme/chart', number: 1 },
        { repository: 'acme/platform', number: 1 },
        { repository: 'acme/platform', number: 7 },
      ],
    });
    expect(states.slice(0, 3)).toEqual([
      { repository: 'acme/deploy', number: 1, state: 'open' },
      { repository: 'acme/chart', number: 1, state: 'merged' },
      { repository: 'acme/platform', number: 1, state: 'closed' },
    ]);
    expect(states[3].state).toBeUndefined();
    expect(states[3].error).toMatch(
      /^Could not read pull request #7 in acme\/platform \(404/,
    );
  });

  it('fails a repository on a missing file, branch or repository, naming the field, and goes on with the others', async () => {
    const results = await openUpdatePullRequests({
      octokit,
      image,
      stage: 'staging',
      pinned: { tag: '1.4.2', digest: digestA },
      description,
      updates: [
        updates[0],
        { repository: 'acme/deploy', file: 'nope.yaml', kind: 'manifest' },
        {
          repository: 'acme/chart',
          branch: 'gone',
          file: 'values.yaml',
          kind: 'helm',
        },
        {
          repository: 'acme/chart',
          branch: 'main',
          file: 'values.yaml',
          kind: 'helm',
        },
        { repository: 'not-a-repo', file: 'x', kind: 'helm' },
        {
          repository: 'acme/tools',
          branch: 'gone',
          file: 'k8s/kustomization.yaml',
          kind: 'kustomize',
        },
        { repository: 'acme/nowhere', file: 'x.yaml', kind: 'helm' },
        updates[2],
      ],
    });
    expect(results.map(r => [r.repository, r.status, r.error])).toEqual([
      [
        'acme/deploy',
        'failed',
        'updates[1].file: nope.yaml is not a file in acme/deploy on main',
      ],
      [
        'acme/chart',
        'failed',
        'updates[3].branch: all updates of acme/chart must target one branch, not gone and main',
      ],
      [
        'not-a-repo',
        'failed',
        "updates[4].repository: must be owner/name, not 'not-a-repo'",
      ],
      [
        'acme/tools',
        'failed',
        'updates[5].branch: acme/tools has no branch gone',
      ],
      [
        'acme/nowhere',
        'failed',
        expect.stringMatching(
          /^Could not read the repository in acme\/nowhere \(404: Not Found\): the repository or the object does not exist/,
        ),
      ],
      ['acme/platform', 'opened', undefined],
    ]);
    // The kustomization of acme/deploy was fine, but its repository failed as a whole.
    expect(await server.listBranches(OWNER, 'deploy')).not.toContain(
      'image-factory/web-api/staging',
    );
    expect(await server.listBranches(OWNER, 'platform')).toContain(
      'image-factory/web-api/staging',
    );
    expect(server.violations()).toEqual([]);
  });
});
