import { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { FakeBearerRegistry } from '../__testUtils__/FakeBearerRegistry';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { DatabaseDigestStore, migrateDatabase } from '../database';
import { OciRegistryClient } from '../registry';
import { pushIndex, pushPlatformManifest } from './__testUtils__/pushImages';
import { recordManifestRequests } from './__testUtils__/recordManifestRequests';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { BaseImageTracker } from './BaseImageTracker';
import { DigestWatcher } from './DigestWatcher';
import { createSeededRandom } from './seededRandom';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const t0 = new Date('2026-11-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };

describe('DigestWatcher', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;
  let pusher: OciRegistryClient;

  beforeAll(async () => {
    registry = await startTestRegistry();
    pusher = OciRegistryClient.create();
  }, 30_000);
  afterAll(() => registry?.stop());

  /** A watcher whose clock the test moves and whose requests it records. */
  async function createWatcher(seed = 7) {
    const knex = await databases.init('SQLITE_3');
    const database: DatabaseService = { getClient: async () => knex };
    await migrateDatabase(database);
    const store = DatabaseDigestStore.create({ client: knex });
    const { requests, fetch: countingFetch } = recordManifestRequests();
    const clock = { now: t0 };
    const watcher = DigestWatcher.create({
      store,
      registry: OciRegistryClient.create({
        fetch: countingFetch,
        clock: () => clock.now,
      }),
      logger: mockServices.logger.mock(),
      clock: () => clock.now,
      random: createSeededRandom(seed),
    });
    return { watcher, store, requests, clock };
  }

  const count = (requests: string[], method: string, path: string) =>
    requests.filter(r => r === `${method} ${registry.host}${path}`).length;

  it('checks each unique reference once per interval, GETs only new digests, and reports the platforms that changed', async () => {
    const os = { registry: registry.host, repository: 'base/os' };
    const runtime = { registry: registry.host, repository: 'base/runtime' };
    await pushPlatformManifest(pusher, os, amd64, 'os-1', '1');
    const amd64v1 = await pushPlatformManifest(pusher, runtime, amd64, 'r-1');
    const arm64v1 = await pushPlatformManifest(pusher, runtime, arm64, 'r-1');
    const index1 = await pushIndex(pusher, runtime, '1', [amd64v1, arm64v1]);

    const { watcher, store, requests, clock } = await createWatcher();
    const osRef = `${registry.host}/base/os:1`;
    const runtimeRef = `${registry.host}/base/runtime:1`;
    // Three images; two share the runtime, one uses both bases, two pin a digest.
    const bases = [
      [osRef],
      [runtimeRef, `${registry.host}/base/runtime:1@${index1}`],
      [runtimeRef, osRef, `${registry.host}/base/os@${amd64v1.digest}`],
    ];
    expect(await watcher.setWatched(bases.flat())).toEqual({
      watched: [osRef, runtimeRef],
      // Pinned by digest, with or without a tag: Docker builds the digest.
      ignored: [
        `${registry.host}/base/os@${amd64v1.digest}`,
        `${registry.host}/base/runtime:1@${index1}`,
      ],
    });

    const first = await watcher.runDue();
    expect(first.checked).toEqual([osRef, runtimeRef]);
    expect(first.changed).toEqual([]);
    expect(first.errors).toEqual([]);
    expect(first.discovered).toEqual([
      { reference: osRef, digest: expect.any(String), firstSeenAt: t0 },
      { reference: runtimeRef, digest: index1, firstSeenAt: t0 },
    ]);
    expect(count(requests, 'HEAD', '/v2/base/os/manifests/1')).toBe(1);
    expect(count(requests, 'HEAD', '/v2/base/runtime/manifests/1')).toBe(1);
    expect(count(requests, 'GET', `/v2/base/runtime/manifests/${index1}`)).toBe(
      1,
    );
    expect((await store.getCurrent(runtimeRef))?.platforms).toEqual([
      expect.objectContaining({
        platform: 'linux/amd64',
        digest: amd64v1.digest,
      }),
      expect.objectContaining({
        platform: 'linux/arm64/v8',
        digest: arm64v1.digest,
      }),
    ]);

    // Jittered: both next checks lie within ±10% of a day, and differ.
    const next = (await store.listWatched()).map(w => w.nextCheckAt.getTime());
    for (const n of next) {
      expect(n).toBeGreaterThanOrEqual(at(0.9 * DAY).getTime());
      expect(n).toBeLessThanOrEqual(at(1.1 * DAY).getTime());
    }
    expect(next[0]).not.toBe(next[1]);

    // Within the interval nothing is due, so nothing is asked.
    requests.length = 0;
    clock.now = at(20 * HOUR);
    expect((await watcher.runDue()).checked).toEqual([]);
    expect(requests).toEqual([]);

    // After the interval: one HEAD each, and no GET for unchanged digests.
    clock.now = at(1.2 * DAY);
    const unchanged = await watcher.runDue();
    expect(unchanged.checked).toEqual([osRef, runtimeRef]);
    expect(unchanged.changed).toEqual([]);
    expect(requests.filter(r => r.startsWith('HEAD')).length).toBe(2);
    expect(requests.filter(r => r.startsWith('GET'))).toEqual([]);

    // Only the amd64 child changes upstream.
    const amd64v2 = await pushPlatformManifest(pusher, runtime, amd64, 'r-2');
    const index2 = await pushIndex(pusher, runtime, '1', [amd64v2, arm64v1]);
    requests.length = 0;
    clock.now = at(2.5 * DAY);
    const changed = await watcher.runDue();
    expect(changed.changed).toEqual([
      {
        reference: runtimeRef,
        oldDigest: index1,
        newDigest: index2,
        changedPlatforms: ['linux/amd64'],
        removedPlatforms: [],
        firstSeenAt: at(2.5 * DAY),
      },
    ]);
    expect(count(requests, 'HEAD', '/v2/base/runtime/manifests/1')).toBe(1);
    expect(count(requests, 'GET', `/v2/base/runtime/manifests/${index2}`)).toBe(
      1,
    );
    expect(count(requests, 'HEAD', '/v2/base/os/manifests/1')).toBe(1);
    expect(requests).toHaveLength(3);
  });

  it('checks a reference at the shortest watch.interval of the images using it', async () => {
    const repo = { registry: registry.host, repository: 'base/intervals' };
    await pushPlatformManifest(pusher, repo, amd64, 'i-1', 'often');
    await pushPlatformManifest(pusher, repo, amd64, 'i-2', 'daily');
    await pushPlatformManifest(pusher, repo, amd64, 'i-3', 'shared');
    const { watcher, store } = await createWatcher();
    const image = (
      name: string,
      tag: string,
      type: 'external' | 'managed',
      interval?: string,
    ) => {
      const entity = imageEntity({
        name,
        registry: registry.host,
        repository: type === 'managed' ? `apps/${name}` : repo.repository,
        tag,
        platforms: ['linux/amd64'],
        type,
      });
      if (interval) entity.spec.watch = { interval };
      return entity;
    };
    const sharedRef = `${registry.host}/base/intervals:shared`;
    const tracker = new BaseImageTracker({
      watcher,
      store,
      images: () => [
        image('often', 'often', 'external', '1h'),
        image('daily', 'daily', 'external'),
        image('shared', 'shared', 'external', '12h'),
        image('app', '1', 'managed', '2h'),
      ],
      // app's Dockerfile builds FROM the shared base.
      bases: () => new Map([[sharedRef, ['image:default/app']]]),
      logger: mockServices.logger.mock(),
    });
    await tracker.runOnce();
    const next = new Map(
      (await store.listWatched()).map(w => [
        w.reference.split(':').pop(),
        w.nextCheckAt.getTime() - t0.getTime(),
      ]),
    );
    const near = (ms: number, interval: number) => {
      expect(ms).toBeGreaterThanOrEqual(interval * 0.9);
      expect(ms).toBeLessThanOrEqual(interval * 1.1);
    };
    near(next.get('often')!, HOUR);
    near(next.get('daily')!, DAY);
    near(next.get('shared')!, 2 * HOUR);
  });

  it('follows the same schedule for the same seed', async () => {
    const repo = { registry: registry.host, repository: 'base/seeded' };
    await pushPlatformManifest(pusher, repo, amd64, 's-1', 'a');
    await pushPlatformManifest(pusher, repo, amd64, 's-2', 'b');
    const refs = [
      `${registry.host}/base/seeded:a`,
      `${registry.host}/base/seeded:b`,
    ];
    const schedules: number[][] = [];
    for (const seed of [42, 42, 43]) {
      const { watcher, store } = await createWatcher(seed);
      await watcher.setWatched(refs);
      await watcher.runDue();
      schedules.push(
        (await store.listWatched()).map(w => w.nextCheckAt.getTime()),
      );
    }
    expect(schedules[1]).toEqual(schedules[0]);
    expect(schedules[2]).not.toEqual(schedules[0]);
  });

  describe('against a registry that limits or fails', () => {
    const fake = new FakeBearerRegistry();
    beforeAll(() => fake.start());
    afterAll(() => fake.stop());

    it('postpones every reference of a registry that answers 429 by its Retry-After, and keeps others going', async () => {
      const repo = { registry: registry.host, repository: 'base/elsewhere' };
      await pushPlatformManifest(pusher, repo, amd64, 'e-1', '1');
      const { watcher, store, requests, clock } = await createWatcher();
      const limited = `${fake.host}/x/app:limited`;
      const other = `${fake.host}/x/app:other`;
      const elsewhere = `${registry.host}/base/elsewhere:1`;
      fake.retryAfter = '7';
      await watcher.setWatched([limited, other, elsewhere]);

      const summary = await watcher.runDue();
      expect(summary.checked).toEqual([elsewhere]);
      expect(summary.errors).toEqual([
        {
          reference: limited,
          name: 'RegistryRateLimitError',
          message: expect.any(String),
          transient: true,
          nextCheckAt: at(7000),
        },
      ]);
      expect(summary.postponed).toEqual([
        { reference: other, until: at(7000) },
      ]);
      expect(
        requests.filter(r => r.includes('/x/app/manifests/other')),
      ).toEqual([]);
      const byRef = new Map(
        (await store.listWatched()).map(w => [w.reference, w]),
      );
      expect(byRef.get(other)?.nextCheckAt).toEqual(at(7000));
      expect(byRef.get(limited)?.lastError).toMatch(
        /^RegistryRateLimitError: /,
      );

      requests.length = 0;
      clock.now = at(6999);
      expect(await watcher.runDue()).toMatchObject({ checked: [], errors: [] });
      expect(requests).toEqual([]);

      clock.now = at(7000);
      const retried = await watcher.runDue();
      expect(retried.errors.map(e => e.reference)).toEqual([limited]);
      expect(
        requests.filter(r => r.includes('/x/app/manifests/limited')).length,
      ).toBeGreaterThan(0);
    });

    it('retries a tag that does not exist yet soon, not after a day', async () => {
      const { watcher, store } = await createWatcher();
      const notYet = `${registry.host}/base/not-pushed-yet:1`;
      await watcher.setWatched([notYet]);
      const summary = await watcher.runDue();
      expect(summary.errors).toEqual([
        expect.objectContaining({
          reference: notYet,
          name: 'ManifestNotFoundError',
          transient: false,
        }),
      ]);
      const [state] = await store.listWatched();
      expect(state.nextCheckAt.getTime()).toBeLessThanOrEqual(
        at(16.5 * 60 * 1000).getTime(),
      );
    });

    it('records a transient failure and retries soon, keeping the schedule', async () => {
      const { watcher, store, clock } = await createWatcher();
      const broken = `${fake.host}/x/app:broken`;
      await watcher.setWatched([broken]);

      const summary = await watcher.runDue();
      expect(summary.errors).toEqual([
        expect.objectContaining({
          reference: broken,
          name: 'RegistryUnavailableError',
          transient: true,
        }),
      ]);
      const [state] = await store.listWatched();
      // 15 minutes ± 10%, not a day: a transient failure is retried soon.
      expect(state.nextCheckAt.getTime()).toBeGreaterThanOrEqual(
        at(13.5 * 60 * 1000).getTime(),
      );
      expect(state.nextCheckAt.getTime()).toBeLessThanOrEqual(
        at(16.5 * 60 * 1000).getTime(),
      );
      expect(state.lastCheckedAt).toEqual(t0);
      expect(state.lastError).toMatch(/^RegistryUnavailableError: /);
      expect(await store.getCurrent(broken)).toBeUndefined();

      clock.now = state.nextCheckAt;
      expect((await watcher.runDue()).errors.map(e => e.reference)).toEqual([
        broken,
      ]);
    });
  });
});
