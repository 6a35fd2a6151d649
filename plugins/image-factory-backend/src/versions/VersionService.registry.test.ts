import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { DatabaseDigestStore, migrateDatabase } from '../database';
import { OciRegistryClient } from '../registry';
import { RegistryBudgets } from '../tracking';
import {
  pushCosignSignature,
  pushImageIndex,
  PushedImageIndex,
  tagManyTimes,
} from './__testUtils__';
import { createVersions } from './createVersions';
import { VersionTarget } from './types';

jest.setTimeout(120_000);

async function waitFor(check: () => Promise<void>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise(r => setTimeout(r, 100));
    }
  }
}

const BASE = 'docker.io/library/busybox:latest';
const baseDigest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('VersionService against a real registry', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let registry: TestRegistry;
  let client: OciRegistryClient;
  let v1: PushedImageIndex;
  let v2: PushedImageIndex;
  let signature: { tag: string; digest: string };
  const repo = () => ({ registry: registry.host, repository: 'apps/web' });

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = OciRegistryClient.create();
    v1 = await pushImageIndex(client, repo(), {
      tag: '1.0.0',
      seed: 'v1',
      created: '2026-01-01T00:00:00Z',
      attestations: true,
    });
    v2 = await pushImageIndex(client, repo(), {
      tag: '1.1.0',
      seed: 'v2',
      created: '2026-02-01T00:00:00Z',
      platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
    });
    await tagManyTimes(client, repo(), v2.digest, ['latest']);
    await tagManyTimes(client, repo(), v1.digest, [
      'latest-20260101T000000.000Z',
    ]);
    // The factory's per-platform tag: a platform of v2, not a version.
    await tagManyTimes(client, repo(), v2.platforms[0].digest, [
      'latest-linux-amd64',
    ]);
    signature = await pushCosignSignature(client, repo(), v2.digest);
  });

  afterAll(() => registry?.stop());

  async function setUp(
    databaseId: Parameters<typeof databases.init>[0],
    options: { budgets?: RegistryBudgets; cacheTimeMs?: number } = {},
  ) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    const digests = DatabaseDigestStore.create({ client: knex });
    const runs: BuildRun[] = [
      run('run-1', v1.digest, baseDigest(1), 'enrollment', 'aaaaaaa1'),
      run('run-2', v2.digest, baseDigest(2), 'base-change', 'aaaaaaa1'),
    ];
    // Tracking saw the base move 1 → 2 → 3: v2 is one behind, v1 two.
    for (const [i, n] of [1, 2, 3].entries()) {
      await digests.recordObservation(
        BASE,
        { digest: baseDigest(n), platforms: [] },
        new Date(Date.UTC(2026, 0, 1 + i)),
      );
    }
    const budgets = options.budgets ?? RegistryBudgets.create();
    const versions = createVersions({
      client: knex,
      config: {
        tagsCacheTimeMs: options.cacheTimeMs ?? 60_000,
        maxCachedDetails: 1000,
        maxTags: 10_000,
        webUrls: new Map([
          [registry.host, 'https://ui.example/{namespace}/{name}?tag={tag}'],
        ]),
      },
      budgets,
      credentials: async () => undefined,
      requestTimeoutMs: 10_000,
      adapters: [],
      runs: async () => runs,
      images: () => [],
      digests,
      logger: mockServices.logger.mock(),
    });
    const target: VersionTarget = {
      ...repo(),
      imageName: 'web',
      entityRef: 'image:default/web',
      managed: true,
    };
    return { versions, target, budgets, knex };
  }

  it.each(databases.eachSupportedId())(
    'lists versions by digest with platforms from configs, attachments apart, provenance and lineage, on %p',
    async databaseId => {
      const { versions, target } = await setUp(databaseId);
      const list = await versions.service.list(target, {
        limit: 25,
        sort: 'semver',
        hideMachineTags: false,
      });
      expect(list.source).toMatchObject({ state: 'fresh', adapter: 'oci' });
      expect(list.items.map(v => v.digest)).toEqual([v2.digest, v1.digest]);
      expect(list.total).toBe(2);
      expect(list.newestDigest).toBe(v2.digest);

      const [second, first] = list.items;
      expect(second.tags).toEqual(['1.1.0', 'latest']);
      expect(second.platforms.map(p => p.platform)).toEqual([
        'linux/amd64',
        'linux/arm64',
        'linux/s390x',
      ]);
      const amd64 = second.platforms[0];
      expect(amd64).toMatchObject({
        digest: v2.platforms[0].digest,
        architecture: 'amd64',
        os: 'linux',
        tags: ['latest-linux-amd64'],
        createdAt: '2026-02-01T00:00:00.000Z',
      });
      expect(amd64.size).toBe(
        v2.platforms[0].size + v2.platforms[0].compressedSize,
      );
      expect(second.attachments).toEqual([
        expect.objectContaining({ kind: 'signature', tag: signature.tag }),
      ]);
      expect(second.pull).toEqual({
        byDigest: `${registry.host}/apps/web@${v2.digest}`,
        byTag: `${registry.host}/apps/web:1.1.0`,
      });
      expect(second.webUrl).toBe('https://ui.example/apps/web?tag=1.1.0');
      expect(second.build).toMatchObject({
        runId: 'run-2',
        cause: 'base-change',
      });
      expect(second.lineage).toEqual([
        {
          reference: BASE,
          digest: baseDigest(2),
          newestDigest: baseDigest(3),
          versionsBehind: 1,
        },
      ]);

      // buildx attestation manifests are attachments, never platforms.
      expect(first.platforms.map(p => p.platform)).toEqual([
        'linux/amd64',
        'linux/arm64',
      ]);
      expect(first.attachments.map(a => [a.kind, a.source])).toEqual([
        ['attestation', 'index'],
        ['attestation', 'index'],
      ]);
      expect(first.attachments.map(a => a.describes).sort()).toEqual(
        v1.platforms.map(p => p.digest).sort(),
      );
      expect(first.lineage?.[0].versionsBehind).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages, sorts by date, filters and hides machine tags, on %p',
    async databaseId => {
      const { versions, target } = await setUp(databaseId);
      const page1 = await versions.service.list(target, {
        limit: 1,
        sort: 'date',
        hideMachineTags: false,
      });
      expect(page1.items.map(v => v.digest)).toEqual([v2.digest]);
      expect(page1.nextCursor).toBeDefined();
      const page2 = await versions.service.list(target, {
        limit: 1,
        sort: 'date',
        hideMachineTags: false,
        cursor: page1.nextCursor,
      });
      expect(page2.items.map(v => v.digest)).toEqual([v1.digest]);
      expect(page2.nextCursor).toBeUndefined();

      const filtered = await versions.service.list(target, {
        limit: 25,
        sort: 'semver',
        q: '.0.0',
        hideMachineTags: true,
      });
      expect(filtered.items.map(v => [v.digest, v.tags])).toEqual([
        [v1.digest, ['1.0.0']],
      ]);
    },
  );

  it('reads one version with its signature digest, and compares two', async () => {
    const { versions, target } = await setUp('SQLITE_3');
    const one = await versions.service.get(target, v2.digest);
    expect(one.attachments).toEqual([
      expect.objectContaining({
        kind: 'signature',
        digest: signature.digest,
        tag: signature.tag,
      }),
    ]);

    const diff = await versions.service.compare(target, v1.digest, v2.digest);
    expect(diff.platforms.map(p => [p.platform, p.change])).toEqual([
      ['linux/amd64', 'changed'],
      ['linux/arm64', 'changed'],
      ['linux/s390x', 'added'],
    ]);
    const amd64 = diff.platforms[0];
    expect(amd64.layersAdded.map(l => l.digest).sort()).toEqual(
      v2.platforms[0].layers.map(l => l.digest).sort(),
    );
    expect(diff.bases).toEqual([
      { reference: BASE, from: baseDigest(1), to: baseDigest(2) },
    ]);
    expect(diff.summary).toMatch(
      /^base docker\.io\/library\/busybox:latest changed sha256:111111111111… → sha256:222222222222…; platforms added: linux\/s390x \(base-change/,
    );

    await expect(
      versions.service.get(target, `sha256:${'0'.repeat(64)}`),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      versions.service.get(target, 'sha256:xyz'),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^digest: /),
    });
  });

  it('lists a repository again after a push, but only one that was looked at', async () => {
    const { versions, knex } = await setUp('SQLITE_3');
    const pushedTo = { registry: registry.host, repository: 'apps/pushed' };
    const target = {
      ...pushedTo,
      imageName: 'pushed',
      entityRef: 'image:default/pushed',
      managed: false,
    };
    const query = {
      limit: 25,
      sort: 'semver',
      hideMachineTags: false,
    } as const;
    await pushImageIndex(client, pushedTo, { tag: '1.0.0', seed: 'p1' });
    expect((await versions.service.list(target, query)).items).toHaveLength(1);

    await pushImageIndex(client, pushedTo, { tag: '1.1.0', seed: 'p2' });
    // Within the cache time, the listing is the cached one…
    expect((await versions.service.list(target, query)).items).toHaveLength(1);
    // …until the push is reported.
    await versions.service.repositoryChanged(pushedTo);
    await waitFor(async () =>
      expect(
        (await versions.service.list(target, query)).items.map(v => v.tags[0]),
      ).toEqual(['1.1.0', '1.0.0']),
    );

    // A repository nobody looked at is not listed because of a push.
    const other = { registry: registry.host, repository: 'apps/unseen' };
    await versions.service.repositoryChanged(other);
    expect(await knex('version_listings').where(other)).toEqual([]);
    expect(await knex('version_listings').where(pushedTo)).toHaveLength(1);
  });

  it('trusts the image config, not the index entry, for the platform', async () => {
    const { versions } = await setUp('SQLITE_3');
    const odd = { registry: registry.host, repository: 'apps/mislabelled' };
    const index = await pushImageIndex(client, odd, {
      tag: '2.0.0',
      seed: 'odd',
      mislabel: { 'linux/arm64': 'linux/riscv64' },
    });
    const target = {
      ...odd,
      imageName: 'odd',
      entityRef: 'image:default/odd',
      managed: false,
    };
    const version = await versions.service.get(target, index.digest);
    expect(
      version.platforms.map(p => [p.platform, p.architecture, p.indexPlatform]),
    ).toEqual([
      ['linux/amd64', 'amd64', undefined],
      ['linux/arm64', 'arm64', 'linux/riscv64'],
    ]);
    expect(version.build).toBeUndefined();
  });

  it('shows the cached versions, saying since when, while the registry is down', async () => {
    const { versions, target } = await setUp('SQLITE_3', { cacheTimeMs: 0 });
    const before = await versions.service.list(target, {
      limit: 25,
      sort: 'semver',
      hideMachineTags: false,
    });
    expect(before.items).toHaveLength(2);
    await registry.pause();
    try {
      const source = await versions.service.refresh(target);
      expect(source).toMatchObject({
        state: 'unreachable',
        unreachableSince: expect.any(String),
        listedAt: before.source.listedAt,
        error: expect.stringContaining(registry.host),
      });
      const during = await versions.service.list(target, {
        limit: 25,
        sort: 'semver',
        hideMachineTags: false,
      });
      expect(during.source.state).toBe('unreachable');
      expect(during.items.map(v => v.digest)).toEqual(
        before.items.map(v => v.digest),
      );
      expect(during.items[0].platforms).toHaveLength(3);
    } finally {
      await registry.resume();
    }
    const after = await versions.service.refresh(target);
    // A cache time of 0 makes every listing stale at once; it is no longer failing.
    expect(after.state).toBe('stale');
    expect(after.unreachableSince).toBeUndefined();
    expect(Date.parse(after.listedAt!)).toBeGreaterThan(
      Date.parse(before.source.listedAt!),
    );
  });

  it('spends only the upper half of the host budget, leaving digest checks theirs', async () => {
    const budgets = RegistryBudgets.create({
      registries: [{ host: registry.host, requestsPerHour: 1, burst: 4 }],
    });
    const { versions, target } = await setUp('SQLITE_3', { budgets });
    const list = await versions.service.list(target, {
      limit: 25,
      sort: 'semver',
      hideMachineTags: false,
    });
    expect(list.source.state).toBe('unreachable');
    expect(list.source.error).toMatch(
      new RegExp(
        `request budget of ${registry.host.replace(
          /\./g,
          '\\.',
        )} is kept for digest checks until`,
      ),
    );
    // Two of four tokens were the Versions view's; digest checks keep two.
    const now = new Date();
    expect(await budgets.take(registry.host, now)).toBe(true);
    expect(await budgets.take(registry.host, now)).toBe(true);
    expect(await budgets.take(registry.host, now)).not.toBe(true);
  });

  it('asks again only for tags that can move', async () => {
    const budgets = RegistryBudgets.create();
    const { versions } = await setUp('SQLITE_3', { budgets });
    const many = { registry: registry.host, repository: 'apps/many' };
    const index = await pushImageIndex(client, many, { seed: 'many' });
    const runTags = Array.from(
      { length: 250 },
      (_, i) => `main-20260101T${String(i).padStart(6, '0')}Z`,
    );
    await tagManyTimes(client, many, index.digest, [...runTags, 'latest']);
    const target = {
      ...many,
      imageName: 'many',
      entityRef: 'image:default/many',
      managed: false,
    };
    const sent = async () =>
      (await budgets.snapshot(new Date(), [], 0)).items.find(
        b => b.host === registry.host,
      )?.requestsLastHour ?? 0;

    const start = await sent();
    const list = await versions.service.list(target, {
      limit: 25,
      sort: 'semver',
      hideMachineTags: false,
    });
    expect(list.items).toHaveLength(1);
    expect(list.items[0].tags).toHaveLength(251);
    const first = (await sent()) - start;
    // 3 pages of 100, a HEAD per tag, the index and 2 × (manifest + config).
    expect(first).toBe(3 + 251 + 5);

    await versions.service.refresh(target);
    const second = (await sent()) - start - first;
    // The run tags never move: only the pages and `latest` are asked again.
    expect(second).toBe(3 + 1);

    // A new index over the same platform manifests costs its own GET only.
    const again = await pushImageIndex(client, many, {
      seed: 'many',
      tag: 'again',
      annotations: { 'org.opencontainers.image.revision': 'b' },
    });
    expect(again.digest).not.toBe(index.digest);
    const before = await sent();
    const later = await versions.service.list(
      { ...target },
      { limit: 25, sort: 'date', hideMachineTags: true },
    );
    await versions.service.refresh(target);
    const relisted = await versions.service.list(target, {
      limit: 25,
      sort: 'date',
      hideMachineTags: true,
    });
    expect(later.items).toHaveLength(1);
    expect(relisted.items.map(v => v.digest).sort()).toEqual(
      [index.digest, again.digest].sort(),
    );
    // Pages and the two moving tags, then the new index; no platform manifest or config.
    expect((await sent()) - before).toBe(3 + 2 + 1);
  });
});

function run(
  id: string,
  indexDigest: string,
  base: string,
  cause: BuildRun['cause'],
  sourceRevision: string,
): BuildRun {
  return {
    id,
    imageName: 'web',
    entityRef: 'image:default/web',
    cause,
    status: 'succeeded',
    inputs: {
      platforms: ['linux/amd64'],
      sourceRevision,
      baseDigests: { [BASE]: base },
    },
    indexDigest,
    platforms: [],
    attempts: 1,
    createdAt: `2026-01-0${id.slice(-1)}T00:00:00.000Z`,
    finishedAt: `2026-01-0${id.slice(-1)}T00:10:00.000Z`,
  };
}
