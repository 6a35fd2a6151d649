import { execFileSync } from 'node:child_process';
import { Octokit } from '@octokit/rest';
import { startGitHubTestServer } from './index';
import type { GitHubTestServer } from './index';

const IMAGES_YAML = `# The images the factory builds
images:
  - name: base-python
    owner: group:default/platform
`;

function octokitFor(server: GitHubTestServer, token = server.token) {
  const quiet = () => {};
  return new Octokit({
    baseUrl: server.baseUrl,
    auth: token,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
}

async function statusOf(promise: Promise<unknown>) {
  try {
    await promise;
    return 200;
  } catch (error: any) {
    return error.status as number;
  }
}

// The first server of a file loads GitHub's OpenAPI description (tens of MB).
jest.setTimeout(60_000);

describe('startGitHubTestServer', () => {
  let server: GitHubTestServer;
  let expectedViolations: number;

  beforeEach(async () => {
    expectedViolations = 0;
    server = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'factory-config',
          files: { 'images.yaml': IMAGES_YAML },
        },
      ],
    });
  });

  afterEach(async () => {
    const violations = server.violations();
    await server.stop();
    // Every request and response must match GitHub's OpenAPI description.
    if (violations.length !== expectedViolations) {
      throw new Error(
        `Unexpected violations: ${JSON.stringify(violations, null, 2)}`,
      );
    }
  });

  it('runs the enrollment flow on real git objects', async () => {
    const octokit = octokitFor(server);
    const owner = 'acme';
    const repo = 'factory-config';

    const { data: me } = await octokit.rest.users.getAuthenticated();
    expect(me.login).toBe('image-factory-bot');

    const { data: repository } = await octokit.rest.repos.get({ owner, repo });
    expect(repository.default_branch).toBe('main');
    expect(repository.permissions).toMatchObject({ push: true, admin: true });

    const { data: mainRef } = await octokit.rest.git.getRef({
      owner,
      repo,
      ref: 'heads/main',
    });
    await octokit.rest.git.createRef({
      owner,
      repo,
      ref: 'refs/heads/image-factory/enroll-base-python',
      sha: mainRef.object.sha,
    });

    const { data: file } = await octokit.rest.repos.getContent({
      owner,
      repo,
      path: 'images.yaml',
      ref: 'image-factory/enroll-base-python',
    });
    if (Array.isArray(file) || file.type !== 'file')
      throw new Error('expected a file');
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe(
      IMAGES_YAML,
    );

    const changed = `${IMAGES_YAML}  - name: web-api\n    owner: group:default/web\n`;
    const { data: commit } =
      await octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: 'images.yaml',
        message: 'Enroll web-api',
        content: Buffer.from(changed).toString('base64'),
        sha: file.sha,
        branch: 'image-factory/enroll-base-python',
      });
    expect(commit.commit.parents?.[0].sha).toBe(mainRef.object.sha);

    const { data: pr } = await octokit.rest.pulls.create({
      owner,
      repo,
      title: 'Enroll web-api',
      head: 'image-factory/enroll-base-python',
      base: 'main',
      body: 'Adds web-api to images.yaml',
    });
    expect(pr).toMatchObject({
      number: 1,
      state: 'open',
      merged: false,
      changed_files: 1,
    });

    const { data: open } = await octokit.rest.pulls.list({
      owner,
      repo,
      state: 'open',
      head: 'acme:image-factory/enroll-base-python',
      base: 'main',
    });
    expect(open.map(p => p.number)).toEqual([1]);

    const { data: labels } = await octokit.rest.issues.addLabels({
      owner,
      repo,
      issue_number: 1,
      labels: ['image-factory', 'enrollment'],
    });
    expect(labels.map(l => l.name)).toEqual(['image-factory', 'enrollment']);

    await octokit.rest.pulls.requestReviewers({
      owner,
      repo,
      pull_number: 1,
      reviewers: ['alice'],
    });
    const { data: fetched } = await octokit.rest.pulls.get({
      owner,
      repo,
      pull_number: 1,
    });
    expect(fetched.requested_reviewers?.map(r => r.login)).toEqual(['alice']);
    expect(fetched.labels.map(l => l.name)).toEqual([
      'image-factory',
      'enrollment',
    ]);

    const { data: merge } = await octokit.rest.pulls.merge({
      owner,
      repo,
      pull_number: 1,
    });
    expect(merge.merged).toBe(true);
    expect(await server.readFile(owner, repo, 'main', 'images.yaml')).toBe(
      changed,
    );
    const { data: mainAfter } = await octokit.rest.git.getRef({
      owner,
      repo,
      ref: 'heads/main',
    });
    expect(mainAfter.object.sha).toBe(merge.sha);

    const { data: closed } = await octokit.rest.pulls.list({
      owner,
      repo,
      state: 'closed',
    });
    expect(closed[0]).toMatchObject({
      number: 1,
      state: 'closed',
      merge_commit_sha: merge.sha,
    });

    await octokit.rest.git.deleteRef({
      owner,
      repo,
      ref: 'heads/image-factory/enroll-base-python',
    });
    expect(await server.listBranches(owner, repo)).toEqual(['main']);
  });

  it('creates new files and refuses a stale or missing sha like GitHub', async () => {
    const octokit = octokitFor(server);
    const params = { owner: 'acme', repo: 'factory-config' };
    const { status } = await octokit.rest.repos.createOrUpdateFileContents({
      ...params,
      path: 'docs/new.md',
      message: 'Add docs',
      content: Buffer.from('hello\n').toString('base64'),
    });
    expect(status).toBe(201);
    expect(
      await server.readFile('acme', 'factory-config', 'main', 'docs/new.md'),
    ).toBe('hello\n');

    const update = {
      ...params,
      path: 'images.yaml',
      message: 'x',
      content: 'eA==',
    };
    expect(
      await statusOf(octokit.rest.repos.createOrUpdateFileContents(update)),
    ).toBe(422);
    expect(
      await statusOf(
        octokit.rest.repos.createOrUpdateFileContents({
          ...update,
          sha: '0'.repeat(40),
        }),
      ),
    ).toBe(409);
  });

  it('answers 401 to a wrong token and 404 to a missing repository', async () => {
    const wrong = octokitFor(server, 'not-the-token');
    await expect(wrong.rest.users.getAuthenticated()).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });
    const octokit = octokitFor(server);
    await expect(
      octokit.rest.repos.get({ owner: 'acme', repo: 'missing' }),
    ).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Not Found'),
    });
    await expect(
      octokit.rest.git.getRef({
        owner: 'acme',
        repo: 'factory-config',
        ref: 'heads/nope',
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('refuses direct writes to a protected branch', async () => {
    server.protectBranch('acme', 'factory-config', 'main');
    const octokit = octokitFor(server);
    const params = { owner: 'acme', repo: 'factory-config' };
    const { data: file } = await octokit.rest.repos.getContent({
      ...params,
      path: 'images.yaml',
    });
    const error = await octokit.rest.repos
      .createOrUpdateFileContents({
        ...params,
        path: 'images.yaml',
        message: 'direct',
        content: 'eA==',
        sha: (file as { sha: string }).sha,
      })
      .catch(e => e);
    expect(error).toMatchObject({ status: 409 });
    expect(error.message).toContain(
      'Changes must be made through a pull request',
    );
    await expect(
      octokit.rest.git.deleteRef({ ...params, ref: 'heads/main' }),
    ).rejects.toMatchObject({
      status: 422,
    });
  });

  it('injects rate limits and server errors for the next requests', async () => {
    const octokit = octokitFor(server);
    server.injectFault({ status: 429, retryAfter: 7 });
    const error = await octokit.rest.repos
      .get({ owner: 'acme', repo: 'factory-config' })
      .catch(e => e);
    expect(error.status).toBe(429);
    expect(error.response.headers['retry-after']).toBe('7');
    expect(error.response.headers['x-ratelimit-remaining']).toBe('0');

    server.injectFault({ status: 502, times: 2 });
    expect(await statusOf(octokit.rest.users.getAuthenticated())).toBe(502);
    expect(await statusOf(octokit.rest.users.getAuthenticated())).toBe(502);
    expect(await statusOf(octokit.rest.users.getAuthenticated())).toBe(200);
  });

  it('refuses writes for a read-only token', async () => {
    await server.stop();
    server = await startGitHubTestServer({
      permission: 'read',
      repos: [{ owner: 'acme', name: 'factory-config' }],
    });
    const octokit = octokitFor(server);
    const params = { owner: 'acme', repo: 'factory-config' };
    const { data: repository } = await octokit.rest.repos.get(params);
    expect(repository.permissions?.push).toBe(false);
    const { data: ref } = await octokit.rest.git.getRef({
      ...params,
      ref: 'heads/main',
    });
    expect(
      await statusOf(
        octokit.rest.git.createRef({
          ...params,
          ref: 'refs/heads/x',
          sha: ref.object.sha,
        }),
      ),
    ).toBe(404);
  });

  it('validates requests against the OpenAPI description', async () => {
    expectedViolations = 1;
    const octokit = octokitFor(server);
    const error = await octokit
      .request('POST /repos/{owner}/{repo}/pulls', {
        owner: 'acme',
        repo: 'factory-config',
        title: 'no head',
        base: 'main',
      } as any)
      .catch(e => e);
    expect(error.status).toBe(422);
    expect(error.response.data.errors).toEqual([
      expect.objectContaining({ field: 'head', code: 'missing_field' }),
    ]);
    expect(server.violations()).toEqual([
      expect.objectContaining({
        kind: 'request',
        operation: '/repos/{owner}/{repo}/pulls',
        issues: ["(root): must have required property 'head'"],
      }),
    ]);
  });

  it('records a violation for an operation it does not implement', async () => {
    expectedViolations = 1;
    const octokit = octokitFor(server);
    expect(
      await statusOf(
        octokit.rest.repos.listBranches({
          owner: 'acme',
          repo: 'factory-config',
        }),
      ),
    ).toBe(404);
    expect(server.violations()).toEqual([
      expect.objectContaining({
        kind: 'unimplemented',
        operation: '/repos/{owner}/{repo}/branches',
      }),
    ]);
  });

  it('serves the raw media type with an ETag, as GithubUrlReader reads files', async () => {
    const url = `${server.baseUrl}/repos/acme/factory-config/contents/images.yaml?ref=main`;
    const headers = {
      authorization: `token ${server.token}`,
      accept: 'application/vnd.github.v3.raw',
    };
    const first = await fetch(url, { headers });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe(IMAGES_YAML);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const again = await fetch(url, {
      headers: { ...headers, 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
    const json = await octokitFor(server).rest.repos.getContent({
      owner: 'acme',
      repo: 'factory-config',
      path: 'images.yaml',
    });
    expect(json.data).toMatchObject({ type: 'file', encoding: 'base64' });
  });

  it('lists a directory and reads files from any ref', async () => {
    await server.createRepo('acme', 'tree', {
      'a/b.txt': 'b\n',
      'a/c/d.txt': 'd\n',
      'top.txt': 't\n',
    });
    const octokit = octokitFor(server);
    const { data } = await octokit.rest.repos.getContent({
      owner: 'acme',
      repo: 'tree',
      path: 'a',
    });
    expect(
      (data as Array<{ name: string; type: string }>).map(e => [
        e.name,
        e.type,
      ]),
    ).toEqual([
      ['b.txt', 'file'],
      ['c', 'dir'],
    ]);
    const { data: ref } = await octokit.rest.git.getRef({
      owner: 'acme',
      repo: 'tree',
      ref: 'heads/main',
    });
    expect(
      await server.readFile('acme', 'tree', ref.object.sha, 'a/c/d.txt'),
    ).toBe('d\n');
    expect(
      await server.readFile('acme', 'tree', 'main', 'missing.txt'),
    ).toBeUndefined();
    expect(
      await statusOf(
        octokit.rest.repos.getContent({
          owner: 'acme',
          repo: 'tree',
          path: 'nope',
        }),
      ),
    ).toBe(404);
  });
  it('resolves a branch and serves its tarball, as GithubUrlReader.readTree reads trees', async () => {
    await server.stop();
    server = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'app',
          files: {
            'docker/Dockerfile': 'FROM scratch\n',
            'docker/hello.txt': 'hello\n',
            'docker/run': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff]),
            'README.md': '# app\n',
          },
          executables: ['docker/run'],
        },
      ],
    });
    const octokit = octokitFor(server);
    const { data: head } = await octokit.rest.git.getRef({
      owner: 'acme',
      repo: 'app',
      ref: 'heads/main',
    });
    const { data: status } = await octokit.rest.repos.getCombinedStatusForRef({
      owner: 'acme',
      repo: 'app',
      ref: 'main',
      per_page: 1,
    });
    expect(status).toMatchObject({
      sha: head.object.sha,
      state: 'pending',
      total_count: 0,
    });
    expect(status.repository.archive_url).toBe(
      `${server.baseUrl}/repos/acme/app/{archive_format}{/ref}`,
    );
    expect(
      await statusOf(
        octokit.rest.repos.getCombinedStatusForRef({
          owner: 'acme',
          repo: 'app',
          ref: 'no-such-branch',
        }),
      ),
    ).toBe(404);

    // GitHub answers 302 to codeload; fetch follows it.
    const tarball = await fetch(
      `${server.baseUrl}/repos/acme/app/tarball/${head.object.sha}`,
      {
        headers: { authorization: `token ${server.token}` },
        redirect: 'manual',
      },
    );
    expect(tarball.status).toBe(302);
    const archive = await fetch(tarball.headers.get('location')!);
    expect(archive.headers.get('content-type')).toBe('application/x-gzip');
    const listing = execFileSync('tar', ['-tz'], {
      input: Buffer.from(await archive.arrayBuffer()),
    })
      .toString()
      .split('\n')
      .filter(Boolean);
    const top = `acme-app-${head.object.sha.slice(0, 7)}/`;
    expect(listing).toEqual(
      expect.arrayContaining([
        top,
        `${top}README.md`,
        `${top}docker/Dockerfile`,
        `${top}docker/hello.txt`,
      ]),
    );
    const modes = execFileSync('tar', ['-tvz'], {
      input: Buffer.from(
        await (await fetch(tarball.headers.get('location')!)).arrayBuffer(),
      ),
    }).toString();
    expect(modes).toMatch(/^-rwxrwxr-x .* 5 .*docker\/run$/m);
    expect(modes).toMatch(/^-rw-rw-r-- .*docker\/hello\.txt$/m);
  });
});
