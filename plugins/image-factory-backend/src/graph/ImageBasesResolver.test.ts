import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { readProvidersConfig } from '@image-factory/plugin-image-factory-node';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { DatabaseImageBasesStore, migrateDatabase } from '../database';
import { ImageBasesResolver } from './ImageBasesResolver';

jest.setTimeout(60_000);

const MULTI_STAGE =
  'ARG BASE=node\nFROM ${BASE}:22 AS build\nFROM gcr.io/distroless/nodejs22\n';

describe('ImageBasesResolver (GitHub test server)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let github: GitHubTestServer;

  beforeAll(async () => {
    github = await startGitHubTestServer({
      repos: [
        { owner: 'acme', name: 'web', files: { Dockerfile: MULTI_STAGE } },
        {
          owner: 'acme',
          name: 'broken',
          files: {
            'docker/Dockerfile':
              'FROM alpine:3.20\nRUN true\nFROM ${MISSING}\n',
          },
        },
        {
          owner: 'acme',
          name: 'arch',
          files: {
            Dockerfile: 'FROM example.com/base-${TARGETARCH}:1\n',
          },
        },
      ],
    });
  });

  afterAll(async () => {
    await github?.stop();
  });

  afterEach(() => {
    const violations = github.violations();
    if (violations.length > 0) {
      throw new Error(`GitHub API violations: ${JSON.stringify(violations)}`);
    }
  });

  async function setup(databaseId: TestDatabaseId = 'SQLITE_3') {
    const knex = await databases.init(databaseId);
    const client = await migrateDatabase(
      mockServices.database.mock({ getClient: async () => knex }),
    );
    const host = new URL(github.webUrl).host;
    const config = new ConfigReader({
      integrations: {
        github: [{ host, apiBaseUrl: github.baseUrl, token: github.token }],
      },
      imageFactory: { providers: { sources: { github: { host } } } },
    });
    const logger = mockServices.logger.mock();
    const reader = UrlReaders.default({ config, logger });
    const reads: Array<{ url: string; etag?: string }> = [];
    // How many reads run at once now, and at most.
    const inFlight = { now: 0, most: 0 };
    const urlReader = {
      ...reader,
      readUrl: async (url: string, options?: { etag?: string }) => {
        reads.push({ url, etag: options?.etag });
        inFlight.most = Math.max(inFlight.most, ++inFlight.now);
        try {
          return await reader.readUrl(url, options);
        } finally {
          inFlight.now--;
        }
      },
    } as typeof reader;
    const store = DatabaseImageBasesStore.create({ client });
    const make = (
      more: { rechecksPerMinute?: number; clock?: () => Date } = {},
    ) =>
      new ImageBasesResolver({
        urlReader,
        providers: readProvidersConfig(config),
        store,
        logger,
        ...more,
      });
    return { make, reads, host, inFlight, store };
  }

  const web = (buildArgs?: Record<string, string>) =>
    imageEntity({
      name: 'web',
      registry: 'registry.example.com',
      repository: 'apps/web',
      platforms: ['linux/amd64', 'linux/s390x'],
      source: { repo: 'acme/web', dockerfile: 'Dockerfile', context: '.' },
      buildArgs,
    });

  /** `count` images web-0, web-1, … built from acme/web's Dockerfile. */
  const webImages = (count: number, buildArgs?: Record<string, string>) =>
    Array.from({ length: count }, (_, i) =>
      imageEntity({
        name: `web-${i}`,
        registry: 'registry.example.com',
        repository: `apps/web-${i}`,
        platforms: ['linux/amd64'],
        source: { repo: 'acme/web', dockerfile: 'Dockerfile', context: '.' },
        buildArgs,
      }),
    );

  it('finds every base of a multi-stage Dockerfile, ARGs substituted, and keeps them across restarts', async () => {
    const { make, reads, host } = await setup();
    const resolver = make();
    const summary = await resolver.resolve([web()]);
    expect(summary).toEqual({
      analyzed: ['image:default/web'],
      unchanged: [],
      failed: [],
    });
    // The test server speaks plain http, as its integration says.
    expect(reads[0].url).toBe(`http://${host}/acme/web/blob/main/Dockerfile`);
    expect(
      resolver
        .get('image:default/web')!
        .bases.map(b => [b.reference, b.platforms]),
    ).toEqual([
      ['docker.io/library/node:22', ['linux/amd64', 'linux/s390x']],
      ['gcr.io/distroless/nodejs22', ['linux/amd64', 'linux/s390x']],
    ]);

    // A new process knows the bases from the database, before any read.
    const restarted = make();
    await restarted.load();
    expect(
      restarted.get('image:default/web')!.bases.map(b => b.reference),
    ).toEqual(['docker.io/library/node:22', 'gcr.io/distroless/nodejs22']);
  });

  it('reads an unchanged Dockerfile with its ETag: a 304, no new analysis', async () => {
    const { make, reads } = await setup();
    let now = new Date('2026-12-07T10:00:00Z');
    const resolver = make({ clock: () => now });
    await resolver.resolve([web()]);
    const first = resolver.get('image:default/web')!.analyzedAt;
    now = new Date(now.getTime() + 60_000);
    const again = await resolver.resolve([web()]);
    expect(again).toEqual({
      analyzed: [],
      unchanged: ['image:default/web'],
      failed: [],
    });
    expect(reads[1].etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(resolver.get('image:default/web')!.analyzedAt).toEqual(first);

    // Other build args change the bases though the file did not change.
    const changed = await resolver.resolve([web({ BASE: 'example.com/node' })]);
    expect(changed.analyzed).toEqual(['image:default/web']);
    expect(reads[2].etag).toBeUndefined();
    expect(resolver.get('image:default/web')!.bases[0].reference).toBe(
      'example.com/node:22',
    );
  });

  it('keeps problems with the image, with file and line, and a missing file as a problem', async () => {
    const { make } = await setup();
    const resolver = make();
    const broken = imageEntity({
      name: 'broken',
      registry: 'registry.example.com',
      repository: 'apps/broken',
      platforms: ['linux/amd64'],
      source: {
        repo: 'acme/broken',
        dockerfile: 'docker/Dockerfile',
        context: '.',
      },
    });
    const missing = imageEntity({
      name: 'missing',
      registry: 'registry.example.com',
      repository: 'apps/missing',
      platforms: ['linux/amd64'],
      source: { repo: 'acme/web', dockerfile: 'nope/Dockerfile', context: '.' },
    });
    const summary = await resolver.resolve([broken, missing]);
    expect(summary.failed).toEqual([
      'image:default/broken',
      'image:default/missing',
    ]);
    const problems = resolver.get('image:default/broken')!.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^broken: docker\/Dockerfile:3: /);
    // The good FROM is still known.
    expect(
      resolver.get('image:default/broken')!.bases.map(b => b.reference),
    ).toEqual(['docker.io/library/alpine:3.20']);
    expect(resolver.get('image:default/missing')!.problems).toEqual([
      'missing: nope/Dockerfile: not found in acme/web on branch main (the repository, the branch or the file is gone, or the factory may not read it)',
    ]);
  });

  it('analyzes once per platform when the Dockerfile picks its base by TARGETARCH', async () => {
    const { make } = await setup();
    const resolver = make();
    await resolver.resolve([
      imageEntity({
        name: 'arch',
        registry: 'registry.example.com',
        repository: 'apps/arch',
        platforms: ['linux/amd64', 'linux/s390x'],
        source: { repo: 'acme/arch', dockerfile: 'Dockerfile', context: '.' },
      }),
    ]);
    expect(
      resolver
        .get('image:default/arch')!
        .bases.map(b => [b.reference, b.platforms]),
    ).toEqual([
      ['example.com/base-amd64:1', ['linux/amd64']],
      ['example.com/base-s390x:1', ['linux/s390x']],
    ]);
  });

  it('reads a few Dockerfiles at a time, and reports them in the order of images.yaml', async () => {
    const { make, reads, inFlight } = await setup();
    const resolver = make();
    const images = webImages(12);
    const summary = await resolver.resolve(images);
    expect(summary.analyzed).toEqual(
      images.map((_, i) => `image:default/web-${i}`),
    );
    expect(reads).toHaveLength(12);
    expect(inFlight.most).toBe(4);
  });

  it('reads new entries at once and the others again in turn, those read longest ago first, whichever replica read them', async () => {
    const { make, reads } = await setup();
    let now = new Date('2026-12-07T10:00:00Z');
    const clock = () => now;
    const images = webImages(6);
    const withEtag = (from: number) =>
      reads.slice(from).map(r => r.etag !== undefined);
    const resolver = make({ rechecksPerMinute: 2, clock });
    // New: every one is read, whatever the number.
    expect((await resolver.resolve(images)).analyzed).toHaveLength(6);
    expect(reads).toHaveLength(6);

    const pass = async (r: ImageBasesResolver, list = images) => {
      now = new Date(now.getTime() + 60_000);
      return r.resolve(list);
    };
    // Then two a pass, read longest ago first, each with its ETag (a 304).
    expect((await pass(resolver)).unchanged).toEqual([
      'image:default/web-0',
      'image:default/web-1',
    ]);
    expect(withEtag(6)).toEqual([true, true]);
    expect((await pass(resolver)).unchanged).toEqual([
      'image:default/web-2',
      'image:default/web-3',
    ]);
    // Another replica (a new resolver on the same database) goes on in turn.
    const other = make({ rechecksPerMinute: 2, clock });
    expect((await pass(other)).unchanged).toEqual([
      'image:default/web-4',
      'image:default/web-5',
    ]);
    // A changed entry is read at once, beside the two in turn.
    const changed = [...images];
    changed[3] = webImages(4, { BASE: 'example.com/node' })[3];
    const summary = await pass(other, changed);
    expect(summary.analyzed).toEqual(['image:default/web-3']);
    expect(summary.unchanged).toEqual([
      'image:default/web-0',
      'image:default/web-1',
    ]);
  });

  it('reads a Dockerfile again no sooner than a minute after its last read, and a pass with nothing due reads nothing, not even the store', async () => {
    const { make, reads, store } = await setup();
    let now = new Date('2026-12-07T10:00:00Z');
    const images = webImages(3);
    const resolver = make({ clock: () => now });
    expect((await resolver.resolve(images)).analyzed).toHaveLength(3);
    const list = jest.spyOn(store, 'list');
    const none = { analyzed: [], unchanged: [], failed: [] };

    // A schedule of seconds: the same images.yaml, nothing due yet.
    for (let second = 1; second < 60; second += 20) {
      now = new Date(Date.parse('2026-12-07T10:00:00Z') + second * 1000);
      expect(await resolver.resolve(images)).toEqual(none);
    }
    expect(reads).toHaveLength(3);
    expect(list).not.toHaveBeenCalled();

    // A new entry is read at once, and only it.
    const more = [...images, ...webImages(4).slice(3)];
    expect(await resolver.resolve(more)).toEqual({
      ...none,
      analyzed: ['image:default/web-3'],
    });
    // A minute after their read, the first three are read again (304s).
    now = new Date(Date.parse('2026-12-07T10:01:00Z'));
    expect((await resolver.resolve(more)).unchanged).toEqual([
      'image:default/web-0',
      'image:default/web-1',
      'image:default/web-2',
    ]);
    expect(reads).toHaveLength(7);
  });

  it('writes the analyses of many images a batch at a time, every one of them kept', async () => {
    const { make } = await setup();
    const images = webImages(450);
    expect((await make().resolve(images)).analyzed).toHaveLength(450);
    // A restart: everything is known from the database, nothing is new.
    const restarted = make();
    await restarted.load();
    expect(restarted.list()).toHaveLength(450);
    expect(restarted.get('image:default/web-449')!.bases).toHaveLength(2);
  });

  it('reads no more Dockerfiles again a minute than rechecksPerMinute, however often it runs', async () => {
    const { make, reads } = await setup();
    const start = Date.parse('2026-12-07T10:00:00Z');
    let now = new Date(start);
    const images = webImages(5);
    const resolver = make({ rechecksPerMinute: 2, clock: () => now });
    await resolver.resolve(images);
    expect(reads).toHaveLength(5);
    // Every second for a minute once all five are due: two of them.
    for (let second = 60; second < 120; second++) {
      now = new Date(start + second * 1000);
      await resolver.resolve(images);
    }
    expect(reads).toHaveLength(7);
    // The next minute, two more.
    now = new Date(start + 120_000);
    expect((await resolver.resolve(images)).unchanged).toEqual([
      'image:default/web-2',
      'image:default/web-3',
    ]);
  });

  it.each(databases.eachSupportedId())(
    'learns what another replica resolved on the same database, and what it forgot (%p)',
    async databaseId => {
      const { make } = await setup(databaseId);
      const resolving = make();
      const other = make();
      await other.load();
      expect(other.get('image:default/web')).toBeUndefined();

      await resolving.resolve([web()]);
      let now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
      try {
        // Checked at most every 2 s.
        await other.load();
        expect(other.get('image:default/web')).toBeUndefined();
        now += 2_000;
        const before = other.version();
        await other.load();
        expect(
          other.get('image:default/web')!.bases.map(b => b.reference),
        ).toEqual(['docker.io/library/node:22', 'gcr.io/distroless/nodejs22']);
        expect(other.version()).toBeGreaterThan(before);
        // Nothing new: the graph is not built again.
        now += 2_000;
        const unchanged = other.version();
        await other.load();
        expect(other.version()).toBe(unchanged);

        // The image left images.yaml: the other replica forgets it too.
        await resolving.resolve([]);
        now += 2_000;
        await other.load();
        expect(other.get('image:default/web')).toBeUndefined();
        expect(other.list()).toEqual([]);
      } finally {
        clock.mockRestore();
      }
    },
  );
});
