import { Octokit } from '@octokit/rest';
import { startGitHubTestServer } from '../startGitHubTestServer';
import { GitHubTestServer } from '../types';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('container package versions', () => {
  let server: GitHubTestServer;
  let octokit: Octokit;

  beforeAll(async () => {
    server = await startGitHubTestServer({
      packages: [
        {
          owner: 'acme',
          name: 'app',
          versions: Array.from({ length: 130 }, (_, i) => ({
            digest: digest(i),
            tags: i % 2 ? [`v${i}`] : [],
            createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
          })),
        },
        {
          owner: 'jane',
          ownerType: 'user',
          name: 'tools/builder',
          versions: [{ digest: digest(1), tags: ['v1'] }],
        },
      ],
    });
    octokit = new Octokit({
      baseUrl: server.baseUrl,
      auth: server.token,
      log: quiet,
    });
  });

  afterAll(() => server.stop());

  it('lists an organization’s versions newest first, paged with Link headers', async () => {
    const first = await octokit.request(
      'GET /orgs/{org}/packages/{package_type}/{package_name}/versions',
      {
        org: 'acme',
        package_type: 'container',
        package_name: 'app',
        per_page: 100,
      },
    );
    expect(first.data).toHaveLength(100);
    expect(first.data[0]).toMatchObject({
      name: digest(129),
      created_at: '2026-01-01T02:09:00.000Z',
      metadata: { package_type: 'container', container: { tags: ['v129'] } },
      package_html_url: `${server.webUrl}/orgs/acme/packages/container/package/app`,
    });
    expect(first.headers.link).toContain('page=2>; rel="next"');
    expect(first.headers.link).toContain('page=2>; rel="last"');

    const all = await octokit.paginate(
      'GET /orgs/{org}/packages/{package_type}/{package_name}/versions',
      {
        org: 'acme',
        package_type: 'container',
        package_name: 'app',
        per_page: 100,
      },
    );
    expect(all).toHaveLength(130);
    expect(all[129].name).toBe(digest(0));

    // GitHub caps per_page at 100 instead of refusing more.
    const capped = await octokit.request(
      'GET /orgs/{org}/packages/{package_type}/{package_name}/versions',
      {
        org: 'acme',
        package_type: 'container',
        package_name: 'app',
        per_page: 500,
      },
    );
    expect(capped.data).toHaveLength(100);
  });

  it('lists a user’s package and answers 404 for the other owner kind', async () => {
    const versions = await octokit.request(
      'GET /users/{username}/packages/{package_type}/{package_name}/versions',
      {
        username: 'jane',
        package_type: 'container',
        package_name: 'tools/builder',
      },
    );
    expect(versions.data.map(v => v.metadata?.container?.tags)).toEqual([
      ['v1'],
    ]);
    await expect(
      octokit.request(
        'GET /orgs/{org}/packages/{package_type}/{package_name}/versions',
        {
          org: 'jane',
          package_type: 'container',
          package_name: 'tools/builder',
        },
      ),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a token without read:packages', async () => {
    const noScope = await startGitHubTestServer({ scopes: ['repo'] });
    try {
      const client = new Octokit({
        baseUrl: noScope.baseUrl,
        auth: noScope.token,
        log: quiet,
      });
      await expect(
        client.request(
          'GET /orgs/{org}/packages/{package_type}/{package_name}/versions',
          { org: 'acme', package_type: 'container', package_name: 'app' },
        ),
      ).rejects.toMatchObject({ status: 403 });
      expect(noScope.violations()).toEqual([]);
    } finally {
      await noScope.stop();
    }
  });

  it('sent and answered nothing the OpenAPI description forbids', () => {
    expect(server.violations()).toEqual([]);
  });
});
