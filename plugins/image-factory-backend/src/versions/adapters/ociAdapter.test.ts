import { InputError } from '@backstage/errors';
import {
  ImageFactoryRegistryAdapter,
  RegistryAdapterContext,
} from '@image-factory/plugin-image-factory-node';
import {
  startTestRegistry,
  TestRegistry,
} from '../../__testUtils__/startTestRegistry';
import { thrown } from '../../__testUtils__/thrown';
import { ManifestNotFoundError, OciRegistryClient } from '../../registry';
import { pushImageIndex, tagManyTimes } from '../__testUtils__';
import { createOciRegistryAdapter } from './ociAdapter';

const START_TIMEOUT_MS = 30_000;
const PUSH_TIMEOUT_MS = 60_000;
const auth = { username: 'adapter', password: 'Pa55-word-for-adapter' };

// The adapter sends through the client; a context fetch would be a bug.
const context: RegistryAdapterContext = {
  fetch: async url => {
    throw new Error(`the OCI adapter must not use context.fetch (${url})`);
  },
  credentials: async () => undefined,
};

async function listAll(
  adapter: ImageFactoryRegistryAdapter,
  repository: { host: string; repository: string },
  pageSize: number,
) {
  const pages = [];
  let cursor: string | undefined;
  do {
    const page = await adapter.listTags(
      repository,
      { cursor, pageSize },
      context,
    );
    pages.push(page);
    cursor = page.next;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

describe.each([
  ['htpasswd', { auth }],
  ['bearer', { bearer: auth }],
] as const)(
  'createOciRegistryAdapter against distribution with %s auth',
  (_mode, options) => {
    let registry: TestRegistry;
    let adapter: ImageFactoryRegistryAdapter;
    let client: OciRegistryClient;
    const repository = (name: string) => ({
      host: registry.host,
      repository: name,
    });

    beforeAll(async () => {
      registry = await startTestRegistry(options);
      client = OciRegistryClient.create({
        credentials: async host =>
          host === registry.host ? { type: 'basic', ...auth } : undefined,
      });
      adapter = createOciRegistryAdapter(client);
    }, START_TIMEOUT_MS);
    afterAll(() => registry?.stop());

    it(
      'pages every tag with the last tag as cursor',
      async () => {
        const repo = { registry: registry.host, repository: 'team/app' };
        const tags = Array.from({ length: 230 }, (_, i) => `2.${i}`);
        for (const seed of [0, 1]) {
          const { digest } = await pushImageIndex(client, repo, {
            seed,
            platforms: ['linux/amd64'],
          });
          await tagManyTimes(
            client,
            repo,
            digest,
            tags.filter((_tag, i) => i % 2 === seed),
          );
        }

        const pages = await listAll(adapter, repository('team/app'), 100);

        expect(pages.map(p => p.tags.length)).toEqual([100, 100, 30]);
        expect(pages[0].next).toBe(pages[0].tags[99].name);
        expect(pages.flatMap(p => p.tags)).toEqual(
          [...tags].sort().map(name => ({ name })),
        );
      },
      PUSH_TIMEOUT_MS,
    );

    it('rejects a repository the registry does not know with ManifestNotFoundError', async () => {
      const error = await thrown(() =>
        adapter.listTags(repository('team/none'), { pageSize: 10 }, context),
      );
      expect(error).toBeInstanceOf(ManifestNotFoundError);
    });
  },
);

describe('createOciRegistryAdapter', () => {
  const adapter = createOciRegistryAdapter(OciRegistryClient.create());

  it('serves every host and links to the web UI only where the host says which', () => {
    expect(adapter.id).toBe('oci');
    expect(adapter.handles('harbor.internal:8443')).toBe(true);
    expect(adapter.handles('quay.io')).toBe(true);
    expect(
      adapter.webUrl?.({ host: 'quay.io', repository: 'org/app' }, '1.0'),
    ).toBe('https://quay.io/repository/org/app?tab=tags');
    expect(
      adapter.webUrl?.({ host: 'harbor.internal', repository: 'org/app' }),
    ).toBeUndefined();
    expect(
      adapter.webUrl?.({ host: 'localhost:5000', repository: 'org/app' }),
    ).toBeUndefined();
  });

  it.each([
    [{ pageSize: 0 }, /^pageSize: must be an integer from 1 to 10000, got 0$/],
    [{ pageSize: 10_001 }, /^pageSize: /],
    [{ pageSize: 1.5 }, /^pageSize: /],
    [{ pageSize: 10, cursor: '' }, /^cursor: /],
  ])(
    'rejects %j with an InputError naming the field',
    async (options, message) => {
      const error = await thrown(() =>
        adapter.listTags(
          { host: '127.0.0.1:1', repository: 'team/app' },
          options,
          context,
        ),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(message);
    },
  );

  it('rejects an invalid repository name with an InputError naming the field', async () => {
    const error = await thrown(() =>
      adapter.listTags(
        { host: '127.0.0.1:1', repository: 'Team/App' },
        { pageSize: 10 },
        context,
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^repository: /);
  });
});
