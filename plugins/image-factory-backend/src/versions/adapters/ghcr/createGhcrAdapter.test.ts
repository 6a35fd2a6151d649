import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitHubTestPackageSeed,
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { createHash } from 'node:crypto';
import { RegistryRateLimitError } from '../../../registry';
import { testAdapterContext } from '../__testUtils__/testAdapterContext';
import { RegistryAdapterCannotServeError } from '../errors';
import { createGhcrAdapter } from './createGhcrAdapter';

jest.setTimeout(60_000);

function digestOf(text: string) {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function integrations(github: GitHubTestServer | undefined, token?: string) {
  return ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [
          {
            host: 'github.com',
            ...(github ? { apiBaseUrl: github.baseUrl } : {}),
            ...(token ? { token } : {}),
          },
        ],
      },
    }),
  );
}

/**
 * 260 versions pushed an hour apart, as buildx pushes them: every fourth is an
 * index with tags (`1.<n>` and, for the newest, `latest`), the others are its
 * untagged platform manifests and attestations.
 */
function appVersions(): GitHubTestPackageSeed['versions'] {
  return Array.from({ length: 260 }, (_, i) => {
    const createdAt = new Date(
      Date.parse('2026-02-01T00:00:00Z') + i * 3_600_000,
    ).toISOString();
    if (i % 4 !== 3) return { digest: digestOf(`part ${i}`), createdAt };
    const tags = [`1.${(i - 3) / 4}`];
    if (i === 259) tags.push('latest');
    return {
      digest: digestOf(`index ${i}`),
      tags,
      createdAt,
      updatedAt: new Date(Date.parse(createdAt) + 60_000).toISOString(),
    };
  });
}

describe('GHCR adapter', () => {
  let github: GitHubTestServer;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      packages: [
        {
          owner: 'acme',
          ownerType: 'org',
          name: 'app',
          versions: appVersions(),
        },
        {
          owner: 'jane',
          ownerType: 'user',
          name: 'tools/builder',
          versions: [
            { digest: digestOf('builder 1'), tags: ['v1', 'stable'] },
            { digest: digestOf('builder 2') },
          ],
        },
      ],
    });
  });

  afterAll(() => github?.stop());

  it('serves ghcr.io only when integrations.github has a token', async () => {
    const withToken = createGhcrAdapter({
      integrations: integrations(github, github.token),
    });
    expect(withToken.id).toBe('ghcr');
    expect(withToken.handles('ghcr.io')).toBe(true);
    expect(withToken.handles('docker.io')).toBe(false);

    const without = createGhcrAdapter({ integrations: integrations(github) });
    expect(without.handles('ghcr.io')).toBe(false);
    const { context, requests } = testAdapterContext();
    const error = await without
      .listTags(
        { host: 'ghcr.io', repository: 'acme/app' },
        { pageSize: 10 },
        context,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(RegistryAdapterCannotServeError);
    expect(error.reason).toBe('not-configured');
    expect(requests).toEqual([]);
  });

  it('pages through more than 100 versions, with each tag’s digest and date', async () => {
    const adapter = createGhcrAdapter({
      integrations: integrations(github, github.token),
    });
    const { context, requests } = testAdapterContext();
    const repository = { host: 'ghcr.io', repository: 'acme/app' };

    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await adapter.listTags(
        repository,
        { cursor, pageSize: 100 },
        context,
      );
      pages.push(page);
      cursor = page.next;
    } while (cursor);

    expect(pages).toHaveLength(3);
    const tags = pages.flatMap(p => p.tags);
    // 65 tagged indexes, one with two tags; the 195 untagged versions are left out.
    expect(tags).toHaveLength(66);
    expect(tags.slice(0, 2)).toEqual([
      {
        name: '1.64',
        digest: digestOf('index 259'),
        updatedAt: '2026-02-11T19:01:00.000Z',
      },
      {
        name: 'latest',
        digest: digestOf('index 259'),
        updatedAt: '2026-02-11T19:01:00.000Z',
      },
    ]);
    expect(tags[tags.length - 1]).toEqual({
      name: '1.0',
      digest: digestOf('index 3'),
      updatedAt: '2026-02-01T03:01:00.000Z',
    });
    // One request per page, through the context, organization first.
    expect(requests.map(r => new URL(r.url).pathname)).toEqual([
      '/api/v3/orgs/acme/packages/container/app/versions',
      '/api/v3/orgs/acme/packages/container/app/versions',
      '/api/v3/orgs/acme/packages/container/app/versions',
    ]);
    expect(requests.map(r => new URL(r.url).searchParams.get('page'))).toEqual([
      '1',
      '2',
      '3',
    ]);

    expect(adapter.webUrl?.(repository)).toBe(
      `${github.webUrl}/orgs/acme/packages/container/package/app`,
    );
    expect(adapter.webUrl?.(repository, 'latest')).toMatch(
      new RegExp(`^${github.webUrl}/orgs/acme/packages/container/app/\\d+$`),
    );
  });

  it('finds a user’s package after the organization lookup answers 404, then goes straight to it', async () => {
    const adapter = createGhcrAdapter({
      integrations: integrations(github, github.token),
    });
    const { context, requests } = testAdapterContext();
    const repository = { host: 'ghcr.io', repository: 'jane/tools/builder' };

    expect(adapter.webUrl?.(repository)).toBeUndefined();
    const page = await adapter.listTags(repository, { pageSize: 30 }, context);
    expect(page.tags.map(t => t.name)).toEqual(['v1', 'stable']);
    expect(page.tags[0].digest).toBe(digestOf('builder 1'));
    expect(page.next).toBeUndefined();

    await adapter.listTags(repository, { pageSize: 30 }, context);
    // The package name is one path segment: tools/builder → tools%2Fbuilder.
    expect(requests.map(r => new URL(r.url).pathname)).toEqual([
      '/api/v3/orgs/jane/packages/container/tools%2Fbuilder/versions',
      '/api/v3/users/jane/packages/container/tools%2Fbuilder/versions',
      '/api/v3/users/jane/packages/container/tools%2Fbuilder/versions',
    ]);
    expect(adapter.webUrl?.(repository)).toBe(
      `${github.webUrl}/users/jane/packages/container/package/tools%2Fbuilder`,
    );
  });

  it('cannot serve a package GitHub does not know', async () => {
    const adapter = createGhcrAdapter({
      integrations: integrations(github, github.token),
    });
    const { context, requests } = testAdapterContext();
    const error = await adapter
      .listTags(
        { host: 'ghcr.io', repository: 'acme/ghost' },
        { pageSize: 10 },
        context,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(RegistryAdapterCannotServeError);
    expect(error.reason).toBe('not-found');
    expect(requests).toHaveLength(2);
  });

  it('cannot serve with a token GitHub refuses (401) or one without read:packages (403)', async () => {
    const wrong = createGhcrAdapter({
      integrations: integrations(github, 'not-the-token'),
    });
    const { context } = testAdapterContext();
    const repository = { host: 'ghcr.io', repository: 'acme/app' };
    const refused = await wrong
      .listTags(repository, { pageSize: 10 }, context)
      .catch(e => e);
    expect(refused).toBeInstanceOf(RegistryAdapterCannotServeError);
    expect(refused.reason).toBe('denied');
    expect(refused.message).toContain('(401)');
    expect(refused.message).not.toContain('not-the-token');

    const noScope = await startGitHubTestServer({
      scopes: ['repo'],
      packages: [{ owner: 'acme', name: 'app', versions: appVersions() }],
    });
    try {
      const adapter = createGhcrAdapter({
        integrations: integrations(noScope, noScope.token),
      });
      const forbidden = await adapter
        .listTags(repository, { pageSize: 10 }, context)
        .catch(e => e);
      expect(forbidden).toBeInstanceOf(RegistryAdapterCannotServeError);
      expect(forbidden.reason).toBe('denied');
      expect(forbidden.message).toContain('read:packages');
      expect(noScope.violations()).toEqual([]);
    } finally {
      await noScope.stop();
    }
  });

  it('reports GitHub’s rate limit, and refuses a cursor it did not make', async () => {
    const adapter = createGhcrAdapter({
      integrations: integrations(github, github.token),
      now: () => Date.parse('2026-03-01T12:00:00Z'),
    });
    const { context } = testAdapterContext();
    const repository = { host: 'ghcr.io', repository: 'acme/app' };
    github.injectFault({ status: 403, retryAfter: 30, path: /\/packages\// });
    const error = await adapter
      .listTags(repository, { pageSize: 10 }, context)
      .catch(e => e);
    expect(error).toBeInstanceOf(RegistryRateLimitError);
    expect(error.message).toContain('until 2026-03-01T12:00:30.000Z');
    expect(error.retryAfterMs).toBe(30_000);

    await expect(
      adapter.listTags(
        repository,
        { cursor: 'https://evil.test/?page=2', pageSize: 10 },
        context,
      ),
    ).rejects.toThrow(InputError);
  });

  it('sent and answered nothing the OpenAPI description forbids', () => {
    expect(github.violations()).toEqual([]);
  });
});
