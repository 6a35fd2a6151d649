import { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { DatabaseDigestStore, DigestStore, migrateDatabase } from '../database';
import { OciRegistryClient } from '../registry';
import { pushIndex, pushPlatformManifest } from './__testUtils__/pushImages';
import { recordManifestRequests } from './__testUtils__/recordManifestRequests';
import {
  RateLimitingProxy,
  startRateLimitingProxy,
} from './__testUtils__/startRateLimitingProxy';
import { DigestWatcher } from './DigestWatcher';
import { RegistryBudgetConfig, RegistryBudgets } from './RegistryBudgets';
import { createSeededRandom } from './seededRandom';
import { TrackingMetrics } from './TrackingMetrics';

jest.setTimeout(60_000);

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const t0 = new Date('2026-11-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const amd64 = { os: 'linux', architecture: 'amd64' };

describe('DigestWatcher rate limits', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;
  let pusher: OciRegistryClient;

  beforeAll(async () => {
    registry = await startTestRegistry();
    pusher = OciRegistryClient.create();
  }, 30_000);
  afterAll(() => registry?.stop());

  async function createStore(): Promise<DigestStore> {
    const knex = await databases.init('SQLITE_3');
    const database: DatabaseService = { getClient: async () => knex };
    await migrateDatabase(database);
    return DatabaseDigestStore.create({ client: knex });
  }

  /** A watcher on `store` whose clock the test moves and whose manifest requests it records. */
  function createWatcher(
    store: DigestStore,
    clock: { now: Date },
    registries: RegistryBudgetConfig[] = [],
  ) {
    const { requests, fetch: countingFetch } = recordManifestRequests();
    const metrics = metricsServiceMock.mock();
    const budgets = RegistryBudgets.create({ registries, now: clock.now });
    const watcher = DigestWatcher.create({
      store,
      registry: OciRegistryClient.create({
        fetch: countingFetch,
        clock: () => clock.now,
      }),
      logger: mockServices.logger.mock(),
      clock: () => clock.now,
      random: createSeededRandom(3),
      budgets,
      metrics: TrackingMetrics.create({ metrics }),
    });
    const counter = (name: string) => {
      const fn = metrics.createCounter as jest.Mock;
      return fn.mock.results[fn.mock.calls.findIndex(c => c[0] === name)].value
        .add as jest.Mock;
    };
    return {
      watcher,
      requests,
      heads: () => requests.filter(r => r.startsWith('HEAD')),
      waits: counter('image_factory_tracking_rate_limit_waits_total'),
      checks: counter('image_factory_tracking_checks_total'),
    };
  }

  it('never asks a registry whose tracking is switched off', async () => {
    const repo = { registry: registry.host, repository: 'off/base' };
    await pushPlatformManifest(pusher, repo, amd64, 'off-1', '1');
    const reference = `${registry.host}/off/base:1`;
    const store = await createStore();
    const { watcher, requests } = createWatcher(store, { now: t0 }, [
      { host: registry.host, enabled: false },
    ]);
    expect(await watcher.setWatched([reference])).toEqual({
      watched: [],
      ignored: [reference],
    });
    const summary = await watcher.runDue();
    expect(summary.checked).toEqual([]);
    expect(requests).toEqual([]);
    expect(await store.listWatched()).toEqual([]);
  });

  it('sends only as many HEADs as the budget holds, postpones the rest, and checks them later, none lost', async () => {
    const repo = { registry: registry.host, repository: 'budget/base' };
    const tags = ['1', '2', '3', '4', '5'];
    for (const tag of tags) {
      await pushPlatformManifest(pusher, repo, amd64, `b-${tag}`, tag);
    }
    const refs = tags.map(tag => `${registry.host}/budget/base:${tag}`);
    const store = await createStore();
    const clock = { now: t0 };

    // Discovered without a budget, so that later checks are HEADs only.
    const free = createWatcher(store, clock);
    await free.watcher.setWatched(refs);
    expect((await free.watcher.runDue()).discovered).toHaveLength(5);

    // Two at once, then one every 30 minutes; checks every 6 hours.
    clock.now = at(1.2 * DAY);
    const limited = createWatcher(store, clock, [
      {
        host: registry.host,
        requestsPerHour: 2,
        burst: 2,
        intervalMs: 6 * HOUR,
      },
    ]);
    const first = await limited.watcher.runDue();
    // Due in the order of their jittered schedule: the first two go.
    expect(first.checked).toHaveLength(2);
    const waiting = refs.filter(r => !first.checked.includes(r));
    const tokenAt = at(1.2 * DAY + 30 * MINUTE);
    expect(first.postponed).toEqual(
      expect.arrayContaining(
        waiting.map(reference => ({ reference, until: tokenAt })),
      ),
    );
    expect(first.postponed).toHaveLength(3);
    expect(first.errors).toEqual([]);
    expect(limited.heads()).toHaveLength(2);
    expect(limited.requests.filter(r => r.startsWith('GET'))).toEqual([]);
    expect(limited.waits.mock.calls).toEqual([
      [1, { registry: registry.host, reason: 'budget' }],
    ]);
    const byRef = async () =>
      new Map((await store.listWatched()).map(w => [w.reference, w]));
    for (const ref of waiting) {
      expect((await byRef()).get(ref)?.nextCheckAt).toEqual(tokenAt);
    }
    // The host's own interval: 6 hours ± 10%, not the default day.
    const next = (await byRef()).get(first.checked[0])!.nextCheckAt.getTime();
    expect(next).toBeGreaterThanOrEqual(at(1.2 * DAY + 5.4 * HOUR).getTime());
    expect(next).toBeLessThanOrEqual(at(1.2 * DAY + 6.6 * HOUR).getTime());

    const budget = async () =>
      (await limited.watcher.registryBudgets()).items.find(
        b => b.host === registry.host,
      );
    expect(await budget()).toMatchObject({
      requestsPerHour: 2,
      burst: 2,
      intervalMs: 6 * HOUR,
      tokensLeft: 0,
      nextTokenAt: tokenAt.toISOString(),
      requestsLastHour: 2,
      postponedUntil: tokenAt.toISOString(),
      postponedReason: 'budget',
      watchedReferences: 5,
    });

    // Before the next token nothing is due, so nothing is asked.
    clock.now = at(1.2 * DAY + 10 * MINUTE);
    expect(await limited.watcher.runDue()).toMatchObject({
      checked: [],
      postponed: [],
    });
    expect(limited.heads()).toHaveLength(2);

    // Then one HEAD per token, until every reference was checked once.
    const checkedLater: string[] = [];
    for (let i = 1; i <= 3; i++) {
      clock.now = at(1.2 * DAY + i * 30 * MINUTE);
      const run = await limited.watcher.runDue();
      expect(run.checked).toHaveLength(1);
      expect(run.errors).toEqual([]);
      checkedLater.push(...run.checked);
      expect(limited.heads()).toHaveLength(2 + i);
    }
    expect(checkedLater).toEqual(waiting);
    expect(new Set(limited.heads()).size).toBe(5);
    expect(limited.checks.mock.calls).toEqual(
      refs.map(() => [1, { registry: registry.host, result: 'unchanged' }]),
    );
    // The one sent exactly an hour ago has left the last hour.
    expect(await budget()).toMatchObject({
      requestsLastHour: 2,
      requestsLastDay: 5,
    });
  });

  it('charges the GET of a new digest on credit, so a budget of one still gets past it', async () => {
    const repo = { registry: registry.host, repository: 'budget/credit' };
    await pushPlatformManifest(pusher, repo, amd64, 'c-1', '1');
    const ref = `${registry.host}/budget/credit:1`;
    const store = await createStore();
    const clock = { now: t0 };
    const { watcher, requests } = createWatcher(store, clock, [
      { host: registry.host, requestsPerHour: 1, burst: 1 },
    ]);
    await watcher.setWatched([ref, `${registry.host}/budget/credit:2`]);
    const summary = await watcher.runDue();
    expect(summary.discovered.map(d => d.reference)).toEqual([ref]);
    // The GET put the bucket one token in debt: the next HEAD waits two hours.
    expect(summary.postponed).toEqual([
      { reference: `${registry.host}/budget/credit:2`, until: at(2 * HOUR) },
    ]);
    expect(requests.map(r => r.split(' ')[0])).toEqual(['HEAD', 'GET']);
  });

  describe('behind a proxy that adds what the registry never sends', () => {
    let proxy: RateLimitingProxy;
    beforeAll(async () => {
      proxy = await startRateLimitingProxy(registry.host);
    });
    afterAll(() => proxy?.stop());
    beforeEach(() => {
      proxy.headers = {};
      proxy.tooManyRequests = undefined;
      proxy.requests.length = 0;
    });

    it('reads what the registry reports, and holds the host back until the reset when none remain', async () => {
      const repo = { registry: registry.host, repository: 'limited/base' };
      const v1 = await pushPlatformManifest(pusher, repo, amd64, 'l-1');
      await pushIndex(pusher, repo, 'a', [v1]);
      await pushIndex(pusher, repo, 'b', [v1]);
      const refs = ['a', 'b'].map(tag => `${proxy.host}/limited/base:${tag}`);
      const store = await createStore();
      const clock = { now: t0 };
      const { watcher, heads, waits } = createWatcher(store, clock);
      await watcher.setWatched(refs);

      // Docker Hub's headers: 76 of 100 left in a 6-hour window.
      proxy.headers = {
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '76;w=21600',
      };
      expect((await watcher.runDue()).discovered).toHaveLength(2);
      const reported = async () =>
        (await watcher.registryBudgets()).items.find(
          b => b.host === proxy.host,
        );
      expect((await reported())?.reported).toEqual({
        limit: 100,
        remaining: 76,
        windowSeconds: 21600,
        reportedAt: t0.toISOString(),
      });

      // None remaining, resetting in a minute: the first HEAD tells, the
      // second reference waits for the reset without being asked.
      proxy.headers = { RateLimit: 'limit=100, remaining=0, reset=60' };
      proxy.requests.length = 0;
      clock.now = at(1.2 * DAY);
      const reset = at(1.2 * DAY + MINUTE);
      const held = await watcher.runDue();
      expect(held.checked).toHaveLength(1);
      const [asked] = held.checked;
      const other = refs.find(r => r !== asked);
      expect(held.postponed).toEqual([{ reference: other, until: reset }]);
      expect(proxy.requests).toEqual([
        `HEAD /v2/limited/base/manifests/${asked.slice(-1)}`,
      ]);
      expect(waits.mock.calls).toEqual([
        [1, { registry: proxy.host, reason: 'ratelimit-header' }],
      ]);
      expect(await reported()).toMatchObject({
        reported: { limit: 100, remaining: 0, resetAt: reset.toISOString() },
        postponedUntil: reset.toISOString(),
        postponedReason: 'ratelimit-header',
      });
      const b = (await store.listWatched()).find(w => w.reference === other);
      expect(b?.nextCheckAt).toEqual(reset);

      proxy.headers = { RateLimit: 'limit=100, remaining=99, reset=3600' };
      clock.now = reset;
      expect((await watcher.runDue()).checked).toEqual([other]);
      expect(heads()).toHaveLength(4);
    });

    it('does not GET a new digest when none remain, and checks it after the reset', async () => {
      const repo = { registry: registry.host, repository: 'limited/moving' };
      await pushPlatformManifest(pusher, repo, amd64, 'm-1', '1');
      const ref = `${proxy.host}/limited/moving:1`;
      const store = await createStore();
      const clock = { now: t0 };
      const { watcher } = createWatcher(store, clock);
      await watcher.setWatched([ref]);

      proxy.headers = { 'RateLimit-Remaining': '0', 'RateLimit-Reset': '90' };
      const held = await watcher.runDue();
      expect(held).toMatchObject({ checked: [], discovered: [], errors: [] });
      expect(held.postponed).toEqual([{ reference: ref, until: at(90_000) }]);
      expect(proxy.requests).toEqual(['HEAD /v2/limited/moving/manifests/1']);
      expect(await store.getCurrent(ref)).toBeUndefined();

      proxy.headers = {};
      clock.now = at(90_000);
      expect((await watcher.runDue()).discovered.map(d => d.reference)).toEqual(
        [ref],
      );
    });

    it('holds the host back after a 429, taking the reset of its RateLimit headers when Retry-After is missing', async () => {
      const repo = { registry: registry.host, repository: 'limited/other' };
      await pushPlatformManifest(pusher, repo, amd64, 'o-1', '1');
      await pushPlatformManifest(pusher, repo, amd64, 'o-2', '2');
      const refs = ['1', '2'].map(tag => `${proxy.host}/limited/other:${tag}`);
      const store = await createStore();
      const clock = { now: t0 };
      const { watcher, waits, checks } = createWatcher(store, clock);
      await watcher.setWatched(refs);

      proxy.tooManyRequests = {
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '0;w=21600',
        'RateLimit-Reset': '120',
      };
      const summary = await watcher.runDue();
      const until = at(2 * MINUTE);
      expect(summary.errors).toEqual([
        expect.objectContaining({
          reference: refs[0],
          name: 'RegistryRateLimitError',
          nextCheckAt: until,
        }),
      ]);
      expect(summary.postponed).toEqual([{ reference: refs[1], until }]);
      expect(proxy.requests).toHaveLength(1);
      expect(waits.mock.calls).toEqual([
        [1, { registry: proxy.host, reason: '429' }],
      ]);
      expect(checks.mock.calls).toEqual([
        [1, { registry: proxy.host, result: 'rate_limited' }],
      ]);
      const [budget] = (await watcher.registryBudgets()).items;
      expect(budget).toMatchObject({
        host: proxy.host,
        reported: { limit: 100, remaining: 0, windowSeconds: 21600 },
        postponedUntil: until.toISOString(),
        postponedReason: '429',
        lastError: expect.stringMatching(/^RegistryRateLimitError: /),
        lastErrorAt: t0.toISOString(),
        requestsLastHour: 1,
      });

      proxy.tooManyRequests = undefined;
      clock.now = until;
      // The one never asked goes first, then the one refused.
      expect((await watcher.runDue()).checked).toEqual([refs[1], refs[0]]);
    });
  });
});
