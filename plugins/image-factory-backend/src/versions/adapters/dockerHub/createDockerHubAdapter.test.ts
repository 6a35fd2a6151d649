import { InputError } from '@backstage/errors';
import { RegistryTagPage } from '@image-factory/plugin-image-factory-node';
import { createHash } from 'node:crypto';
import {
  RegistryAuthError,
  RegistryRateLimitError,
  RegistryResponseError,
} from '../../../registry';
import {
  FakeDockerHub,
  FakeHubTag,
  startFakeDockerHub,
} from '../__testUtils__/fakeDockerHub';
import { testAdapterContext } from '../__testUtils__/testAdapterContext';
import { createDockerHubAdapter } from './createDockerHubAdapter';
import { RegistryAdapterCannotServeError } from '../errors';

const T0 = Date.parse('2026-03-01T12:00:10Z');

function digestOf(text: string) {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** `count` tags, the newest (`v<count-1>`) pushed last, a minute apart. */
function tags(count: number): FakeHubTag[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `v${i}`,
    digest: digestOf(`image ${i % 7}`),
    pushedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000)
      .toISOString()
      .replace('Z', '000Z'),
  }));
}

describe('Docker Hub adapter', () => {
  const hubs: FakeDockerHub[] = [];
  const start = async (...args: Parameters<typeof startFakeDockerHub>) => {
    const hub = await startFakeDockerHub(...args);
    hubs.push(hub);
    return hub;
  };
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map(h => h.stop()));
  });

  it('serves docker.io under its three names only', () => {
    const adapter = createDockerHubAdapter();
    expect(adapter.id).toBe('docker-hub');
    expect(adapter.handles('docker.io')).toBe(true);
    expect(adapter.handles('index.docker.io')).toBe(true);
    expect(adapter.handles('Registry-1.Docker.io')).toBe(true);
    expect(adapter.handles('ghcr.io')).toBe(false);
    expect(adapter.handles('localhost:5000')).toBe(false);
  });

  it('pages through a repository with digests and push dates, newest first', async () => {
    const hub = await start({
      repositories: [{ namespace: 'acme', name: 'app', tags: tags(250) }],
    });
    const adapter = createDockerHubAdapter({ apiBaseUrl: hub.baseUrl });
    const { context, requests } = testAdapterContext();
    const repository = { host: 'docker.io', repository: 'acme/app' };

    const pages: RegistryTagPage[] = [];
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
    expect(pages[0].tags[0]).toEqual({
      name: 'v249',
      digest: digestOf(`image ${249 % 7}`),
      updatedAt: '2026-01-01T04:09:00.000Z',
    });
    const names = pages.flatMap(p => p.tags.map(t => t.name));
    expect(names).toHaveLength(250);
    expect(new Set(names).size).toBe(250);
    expect(names.slice(-1)).toEqual(['v0']);
    expect(requests).toHaveLength(3);
    expect(hub.requests.map(r => [r.query.page, r.query.page_size])).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ]);
    expect(hub.requests.every(r => r.authorization === 'none')).toBe(true);
  });

  it('asks for at most 100 tags a page, which the API enforces', async () => {
    const hub = await start({
      repositories: [{ namespace: 'acme', name: 'app', tags: tags(120) }],
    });
    const adapter = createDockerHubAdapter({ apiBaseUrl: hub.baseUrl });
    const { context } = testAdapterContext();
    const page = await adapter.listTags(
      { host: 'docker.io', repository: 'acme/app' },
      { pageSize: 500 },
      context,
    );
    expect(page.tags).toHaveLength(100);
    expect(hub.requests[0].query.page_size).toBe('100');

    const refused = await fetch(
      `${hub.baseUrl}/v2/namespaces/acme/repositories/app/tags?page_size=101`,
    );
    expect(refused.status).toBe(400);
  });

  it('lists official images in the library namespace and links to their pages', async () => {
    const hub = await start({
      repositories: [{ namespace: 'library', name: 'nginx', tags: tags(3) }],
    });
    const adapter = createDockerHubAdapter({ apiBaseUrl: hub.baseUrl });
    const { context } = testAdapterContext();

    for (const repository of ['library/nginx', 'nginx']) {
      const page = await adapter.listTags(
        { host: 'docker.io', repository },
        { pageSize: 25 },
        context,
      );
      expect(page.tags.map(t => t.name)).toEqual(['v2', 'v1', 'v0']);
      expect(page.next).toBeUndefined();
    }
    expect(new Set(hub.requests.map(r => r.path))).toEqual(
      new Set(['/v2/namespaces/library/repositories/nginx/tags']),
    );

    const nginx = { host: 'docker.io', repository: 'library/nginx' };
    expect(adapter.webUrl?.(nginx)).toBe('https://hub.docker.com/_/nginx/tags');
    expect(adapter.webUrl?.(nginx, '1.27-alpine')).toBe(
      'https://hub.docker.com/_/nginx/tags?name=1.27-alpine',
    );
    expect(
      adapter.webUrl?.(
        { host: 'docker.io', repository: 'grafana/grafana' },
        'v1',
      ),
    ).toBe('https://hub.docker.com/r/grafana/grafana/tags?name=v1');
    await expect(
      adapter.listTags(
        { host: 'docker.io', repository: 'a/b/c' },
        { pageSize: 25 },
        context,
      ),
    ).rejects.toThrow(InputError);
  });

  describe('a private repository', () => {
    let clock = T0;
    const secret = 'dckr_pat_test';
    let hub: FakeDockerHub;
    const repository = { host: 'docker.io', repository: 'acme/secret' };

    beforeEach(async () => {
      clock = T0;
      hub = await start({
        now: () => clock,
        users: [
          { username: 'ci-bot', secret },
          { username: 'outsider', secret: 'other' },
        ],
        repositories: [
          {
            namespace: 'acme',
            name: 'secret',
            private: true,
            readers: ['ci-bot'],
            tags: tags(5),
          },
        ],
      });
    });

    it('is listed after logging in with the credentials, then with the bearer token', async () => {
      const adapter = createDockerHubAdapter({
        apiBaseUrl: hub.baseUrl,
        now: () => clock,
      });
      const { context } = testAdapterContext({
        credentials: {
          'docker.io': { type: 'basic', username: 'ci-bot', password: secret },
        },
      });

      const page = await adapter.listTags(
        repository,
        { pageSize: 10 },
        context,
      );
      expect(page.tags).toHaveLength(5);
      await adapter.listTags(repository, { pageSize: 10 }, context);
      expect(hub.tokensIssued).toBe(1);
      expect(
        hub.requests.map(r => `${r.method} ${r.path} ${r.authorization}`),
      ).toEqual([
        'POST /v2/auth/token none',
        'GET /v2/namespaces/acme/repositories/secret/tags bearer',
        'GET /v2/namespaces/acme/repositories/secret/tags bearer',
      ]);

      // Access tokens live 10 minutes; the adapter logs in again before then.
      clock += 11 * 60_000;
      await adapter.listTags(repository, { pageSize: 10 }, context);
      expect(hub.tokensIssued).toBe(2);
      expect(hub.requests.every(r => r.status < 400)).toBe(true);
    });

    it('logs in again once when the API refuses a cached token', async () => {
      const adapter = createDockerHubAdapter({
        apiBaseUrl: hub.baseUrl,
        now: () => clock,
      });
      const { context } = testAdapterContext({
        credentials: {
          'docker.io': { type: 'basic', username: 'ci-bot', password: secret },
        },
      });
      await adapter.listTags(repository, { pageSize: 10 }, context);
      hub.revokeTokens();
      const page = await adapter.listTags(
        repository,
        { pageSize: 10 },
        context,
      );
      expect(page.tags).toHaveLength(5);
      expect(hub.tokensIssued).toBe(2);
      expect(hub.requests.map(r => `${r.method} ${r.status}`)).toEqual([
        'POST 200',
        'GET 200',
        'GET 401',
        'POST 200',
        'GET 200',
      ]);
    });

    it('is not served anonymously, so the OCI adapter can answer', async () => {
      const adapter = createDockerHubAdapter({ apiBaseUrl: hub.baseUrl });
      const { context } = testAdapterContext();
      const error = await adapter
        .listTags(repository, { pageSize: 10 }, context)
        .catch(e => e);
      expect(error).toBeInstanceOf(RegistryAdapterCannotServeError);
      expect(error.reason).toBe('not-found');
      expect(error.message).toContain('no docker.io credentials');
    });

    it('reports refused credentials and a user without access', async () => {
      const adapter = createDockerHubAdapter({ apiBaseUrl: hub.baseUrl });
      const wrong = testAdapterContext({
        credentials: {
          'docker.io': { type: 'basic', username: 'ci-bot', password: 'nope' },
        },
      });
      const refused = await adapter
        .listTags(repository, { pageSize: 10 }, wrong.context)
        .catch(e => e);
      expect(refused).toBeInstanceOf(RegistryAuthError);
      expect(refused.message).toContain('ci-bot');
      expect(refused.message).not.toContain('nope');

      const outsider = testAdapterContext({
        credentials: {
          'docker.io': {
            type: 'basic',
            username: 'outsider',
            password: 'other',
          },
        },
      });
      const denied = await adapter
        .listTags(repository, { pageSize: 10 }, outsider.context)
        .catch(e => e);
      expect(denied).toBeInstanceOf(RegistryAdapterCannotServeError);
      expect(denied.reason).toBe('denied');
    });
  });

  it('says until when the rate limit holds', async () => {
    const hub = await start({
      now: () => T0,
      rateLimit: { limit: 2, windowSeconds: 60 },
      repositories: [{ namespace: 'acme', name: 'app', tags: tags(30) }],
    });
    const adapter = createDockerHubAdapter({
      apiBaseUrl: hub.baseUrl,
      now: () => T0,
    });
    const { context } = testAdapterContext();
    const repository = { host: 'docker.io', repository: 'acme/app' };
    const first = await adapter.listTags(repository, { pageSize: 10 }, context);
    await adapter.listTags(
      repository,
      { cursor: first.next, pageSize: 10 },
      context,
    );

    const error = await adapter
      .listTags(repository, { pageSize: 10 }, context)
      .catch(e => e);
    expect(error).toBeInstanceOf(RegistryRateLimitError);
    // The window of T0 (12:00:10) ends at 12:01:00: Retry-After is 50 s.
    expect(error.message).toContain(
      'Docker Hub rate limit reached until 2026-03-01T12:01:00.000Z',
    );
    expect(error.retryAfterMs).toBe(50_000);
    expect(error.rateLimit).toEqual({
      limit: 2,
      remaining: 0,
      resetMs: 50_000,
    });
  });

  it('refuses a cursor or a next page on another origin', async () => {
    const hub = await start({
      linkOrigin: 'http://hub.attacker.test',
      repositories: [{ namespace: 'acme', name: 'app', tags: tags(30) }],
    });
    const adapter = createDockerHubAdapter({ apiBaseUrl: hub.baseUrl });
    const { context, requests } = testAdapterContext();
    const repository = { host: 'docker.io', repository: 'acme/app' };

    await expect(
      adapter.listTags(repository, { pageSize: 10 }, context),
    ).rejects.toThrow(RegistryResponseError);
    await expect(
      adapter.listTags(
        repository,
        {
          cursor:
            'http://hub.attacker.test/v2/namespaces/acme/repositories/app/tags?page=2',
          pageSize: 10,
        },
        context,
      ),
    ).rejects.toThrow(/cursor: must continue the listing of acme\/app/);
    await expect(
      adapter.listTags(
        repository,
        {
          cursor: `${hub.baseUrl}/v2/namespaces/acme/repositories/other/tags?page=2`,
          pageSize: 10,
        },
        context,
      ),
    ).rejects.toThrow(InputError);
    expect(requests.map(r => new URL(r.url).origin)).toEqual([hub.baseUrl]);
  });
});
