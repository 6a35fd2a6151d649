import { TestDatabases } from '@backstage/backend-test-utils';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { OciRegistryClient } from '../registry';
import {
  pushIndex,
  pushPlatformManifest,
} from '../tracking/__testUtils__/pushImages';
import {
  createPlannerHarness,
  HarnessImage,
} from './__testUtils__/plannerHarness';

/*
 * The planner against a real registry (base digests pushed and observed by
 * the digest watcher), a real database and the real build queue. Builds are
 * ended by the test, as an executor would end them, and the clock is the
 * test's: delays and quiet periods are hours and minutes.
 */

jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const t0 = new Date('2026-11-01T00:00:00Z');
const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };

describe('RebuildPlanner', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;
  const pusher = OciRegistryClient.create();
  let repoCounter = 0;

  beforeAll(async () => {
    registry = await startTestRegistry();
  }, 30_000);
  afterAll(() => registry?.stop());

  /** A fresh base repository per test, so tests do not see each other's pushes. */
  const newBase = (name: string) => {
    repoCounter++;
    const repo = {
      registry: registry.host,
      repository: `base/${name}-${repoCounter}`,
    };
    return {
      repo,
      reference: `${registry.host}/${repo.repository}:1`,
      push: (revision: string) =>
        pushPlatformManifest(pusher, repo, amd64, revision, '1'),
    };
  };

  const harness = (images: HarnessImage[], maxWaitMs?: number) =>
    createPlannerHarness({
      databases,
      registryHost: registry.host,
      images,
      start: t0,
      maxWaitMs,
    });

  it('plans a rebuild when a base digest changes, and queues it only after the delay', async () => {
    const os = newBase('os');
    await os.push('1');
    const h = await harness([
      {
        name: 'app',
        publishes: 'apps/app:1',
        bases: [os.reference],
        rebuild: { delay: '1h', coalesceWindow: '0s' },
      },
    ]);
    await h.observe(0);
    await h.buildNow('app');
    expect(await h.planner.runOnce()).toEqual([]);

    const old = await os.push('1');
    const next = await os.push('2');
    expect(next.digest).not.toBe(old.digest);
    const seen = await h.observe(10 * MINUTE);
    expect(seen.changed.map(c => c.newDigest)).toEqual([next.digest]);
    const firstSeen = h.clock.now;

    const [planned] = await h.planner.runOnce();
    expect(planned).toMatchObject({
      imageName: 'app',
      entityRef: 'image:default/app',
      state: 'waiting-delay',
      platforms: ['linux/amd64'],
      eligibleAt: new Date(firstSeen.getTime() + HOUR).toISOString(),
      reasons: [
        {
          baseReference: os.reference,
          newDigest: next.digest,
          firstSeenAt: firstSeen.toISOString(),
        },
      ],
    });
    expect(planned.reasons[0].oldDigest).toMatch(/^sha256:/);

    h.advance(HOUR - MINUTE);
    expect((await h.planner.runOnce())[0].state).toBe('waiting-delay');
    expect(h.queued).toEqual([]);

    h.advance(MINUTE);
    const [queued] = await h.planner.runOnce();
    expect(queued.state).toBe('queued');
    expect(h.queued).toEqual([
      {
        image: 'app',
        cause: 'base-change',
        detail: expect.stringContaining(`${os.reference} `),
      },
    ]);
    expect(h.queued[0].detail).toContain(` → ${next.digest.slice(7, 19)}`);
    const run = await h.builds.get(queued.runId!);
    expect(run).toMatchObject({ cause: 'base-change', status: 'queued' });

    // Queued once: the next passes keep the run.
    await h.planner.runOnce();
    expect(h.queued).toHaveLength(1);
    await h.finish(queued.runId!);
    expect(await h.planner.runOnce()).toEqual([]);
  });

  it('lists a rebuild of an image with auto: false as manual and never queues it', async () => {
    const os = newBase('os');
    await os.push('1');
    const h = await harness([
      {
        name: 'held',
        publishes: 'apps/held:1',
        bases: [os.reference],
        rebuild: { auto: false, delay: '0s', coalesceWindow: '0s' },
      },
    ]);
    await h.observe(0);
    await h.buildNow('held');
    await os.push('2');
    await h.observe(MINUTE);
    expect((await h.planner.runOnce())[0].state).toBe('manual');
    h.advance(HOUR);
    expect((await h.planner.runOnce())[0].state).toBe('manual');
    expect(h.queued).toEqual([]);
    // A build by hand takes the new digest: nothing is left to plan.
    await h.buildNow('held');
    expect(await h.planner.runOnce()).toEqual([]);
  });

  it('coalesces two bases that change within the quiet period into one rebuild', async () => {
    const os = newBase('os');
    const runtime = newBase('runtime');
    await os.push('1');
    await runtime.push('1');
    const h = await harness([
      {
        name: 'app',
        publishes: 'apps/app:1',
        bases: [os.reference, runtime.reference],
        rebuild: { delay: '0s', coalesceWindow: '30m' },
      },
    ]);
    await h.observe(0);
    await h.buildNow('app');

    await os.push('2');
    await h.observe(5 * MINUTE);
    const osSeen = h.clock.now;
    expect((await h.planner.runOnce())[0]).toMatchObject({
      state: 'coalescing',
      quietUntil: new Date(osSeen.getTime() + 30 * MINUTE).toISOString(),
    });

    await runtime.push('2');
    await h.observe(10 * MINUTE);
    const runtimeSeen = h.clock.now;
    const [coalescing] = await h.planner.runOnce();
    expect(coalescing.state).toBe('coalescing');
    expect(coalescing.reasons.map(r => r.baseReference)).toEqual([
      os.reference,
      runtime.reference,
    ]);
    expect(coalescing.quietUntil).toBe(
      new Date(runtimeSeen.getTime() + 30 * MINUTE).toISOString(),
    );

    h.advance(30 * MINUTE);
    const [queued] = await h.planner.runOnce();
    expect(queued.state).toBe('queued');
    expect(h.queued).toHaveLength(1);
    expect(h.queued[0].detail).toContain(os.reference);
    expect(h.queued[0].detail).toContain(runtime.reference);
  });

  it('rebuilds a base re-pushed more often than the quiet period once the maximum wait is over', async () => {
    const os = newBase('os');
    await os.push('1');
    const h = await harness(
      [
        {
          name: 'app',
          publishes: 'apps/app:1',
          bases: [os.reference],
          rebuild: { delay: '0s', coalesceWindow: '30m' },
        },
      ],
      30 * MINUTE,
    );
    await h.observe(0);
    await h.buildNow('app');

    await os.push('2');
    await h.observe(MINUTE);
    const firstChange = h.clock.now;
    const [first] = await h.planner.runOnce();
    expect(first.maxWaitUntil).toBe(
      new Date(firstChange.getTime() + 30 * MINUTE).toISOString(),
    );
    // Re-pushed every 20 minutes: never quiet for 30.
    await os.push('3');
    await h.observe(20 * MINUTE);
    const [second] = await h.planner.runOnce();
    expect(second.state).toBe('coalescing');
    expect(second.maxWaitUntil).toBe(first.maxWaitUntil);
    await os.push('4');
    await h.observe(20 * MINUTE);
    const [third] = await h.planner.runOnce();
    expect(third.state).toBe('queued');
    expect(h.queued).toHaveLength(1);
  });

  it('rebuilds a 3-level chain in order, each level after its upstream build succeeded', async () => {
    const os = newBase('os');
    await os.push('1');
    const host = registry.host;
    const now = { delay: '0s', coalesceWindow: '0s' };
    const h = await harness([
      {
        name: 'runtime',
        publishes: 'apps/runtime:1',
        bases: [os.reference],
        rebuild: now,
      },
      {
        name: 'framework',
        publishes: 'apps/framework:1',
        bases: [`${host}/apps/runtime:1`],
        rebuild: { ...now, delay: '2h' },
      },
      {
        name: 'service',
        publishes: 'apps/service:1',
        bases: [`${host}/apps/framework:1`],
        rebuild: now,
      },
    ]);
    await h.observe(0);
    for (const name of ['runtime', 'framework', 'service']) {
      await h.buildNow(name);
    }

    await os.push('2');
    await h.observe(MINUTE);
    const states = async () =>
      Object.fromEntries(
        (await h.planner.runOnce()).map(p => [p.imageName, p.state]),
      );
    expect(await states()).toEqual({
      runtime: 'queued',
      framework: 'waiting-upstream',
      service: 'waiting-upstream',
    });
    const upcoming = await h.planner.upcoming();
    expect(upcoming.find(p => p.imageName === 'framework')).toMatchObject({
      waitingFor: ['image:default/runtime'],
      reasons: [expect.objectContaining({ baseReference: os.reference })],
    });
    expect(h.queued.map(q => q.image)).toEqual(['runtime']);

    // Still running: nobody below moves.
    h.advance(MINUTE);
    await states();
    expect(h.queued.map(q => q.image)).toEqual(['runtime']);

    await h.finish(upcoming.find(p => p.imageName === 'runtime')!.runId!);
    h.advance(MINUTE);
    // The upstream push makes framework due at once, its own delay notwithstanding.
    expect(await states()).toEqual({
      framework: 'queued',
      service: 'waiting-upstream',
    });
    expect(h.queued.map(q => q.image)).toEqual(['runtime', 'framework']);
    const framework = (await h.planner.upcoming()).find(
      p => p.imageName === 'framework',
    )!;
    expect(framework.reasons.map(r => r.baseReference)).toEqual([
      os.reference,
      `${host}/apps/runtime:1`,
    ]);

    await h.finish(framework.runId!);
    h.advance(MINUTE);
    expect(await states()).toEqual({ service: 'queued' });
    expect(h.queued.map(q => q.image)).toEqual([
      'runtime',
      'framework',
      'service',
    ]);
  });

  it('blocks the downstream cascade of a failed upstream rebuild, with the reason', async () => {
    const os = newBase('os');
    await os.push('1');
    const host = registry.host;
    const now = { delay: '0s', coalesceWindow: '0s' };
    const h = await harness([
      {
        name: 'runtime',
        publishes: 'apps/runtime:1',
        bases: [os.reference],
        rebuild: now,
      },
      {
        name: 'framework',
        publishes: 'apps/framework:1',
        bases: [`${host}/apps/runtime:1`],
        rebuild: now,
      },
      {
        name: 'service',
        publishes: 'apps/service:1',
        bases: [`${host}/apps/framework:1`],
        rebuild: now,
      },
    ]);
    await h.observe(0);
    for (const name of ['runtime', 'framework', 'service']) {
      await h.buildNow(name);
    }
    await os.push('2');
    await h.observe(MINUTE);
    const runtime = (await h.planner.runOnce()).find(
      p => p.imageName === 'runtime',
    )!;
    await h.finish(runtime.runId!, 'failed');

    h.advance(MINUTE);
    const byName = Object.fromEntries(
      (await h.planner.runOnce()).map(p => [p.imageName, p]),
    );
    expect(byName.runtime).toMatchObject({
      state: 'blocked',
      blockedReason: expect.stringMatching(
        /^the rebuild failed: run .* failed: build-failed: exit code 1$/,
      ),
    });
    expect(byName.framework).toMatchObject({
      state: 'blocked',
      blockedReason: expect.stringMatching(
        /^upstream image:default\/runtime: the rebuild failed/,
      ),
    });
    expect(byName.service.state).toBe('blocked');
    expect(byName.service.blockedReason).toMatch(
      /^upstream image:default\/framework is blocked/,
    );
    // The breaker stays open: nothing is queued again.
    h.advance(10 * MINUTE);
    await h.planner.runOnce();
    expect(h.queued.map(q => q.image)).toEqual(['runtime']);
  });

  it('lists only the platforms whose base platform changed', async () => {
    repoCounter++;
    const repo = {
      registry: registry.host,
      repository: `base/multi-${repoCounter}`,
    };
    const reference = `${registry.host}/${repo.repository}:1`;
    const amd1 = await pushPlatformManifest(pusher, repo, amd64, 'a1');
    const arm1 = await pushPlatformManifest(pusher, repo, arm64, 'r1');
    await pushIndex(pusher, repo, '1', [amd1, arm1]);
    const now = { delay: '0s', coalesceWindow: '0s' };
    const h = await harness([
      {
        name: 'both',
        publishes: 'apps/both:1',
        bases: [reference],
        platforms: ['linux/amd64', 'linux/arm64'],
        rebuild: now,
      },
      {
        name: 'armonly',
        publishes: 'apps/armonly:1',
        bases: [reference],
        platforms: ['linux/arm64'],
        rebuild: now,
      },
    ]);
    await h.observe(0);
    await h.buildNow('both');
    await h.buildNow('armonly');

    const amd2 = await pushPlatformManifest(pusher, repo, amd64, 'a2');
    await pushIndex(pusher, repo, '1', [amd2, arm1]);
    await h.observe(MINUTE);
    const plans = await h.planner.runOnce();
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({
      imageName: 'both',
      platforms: ['linux/amd64'],
      reasons: [expect.objectContaining({ platforms: ['linux/amd64'] })],
      state: 'queued',
    });
    // The queued build builds amd64 only; arm64 is reused from the last run.
    expect(await h.builds.get(plans[0].runId!)).toMatchObject({
      inputs: { platforms: ['linux/amd64'] },
    });
  });

  it('lists every platform when the changed base is used by a cross-compiling stage (FROM --platform=$BUILDPLATFORM)', async () => {
    repoCounter++;
    const repo = {
      registry: registry.host,
      repository: `base/toolchain-${repoCounter}`,
    };
    const reference = `${registry.host}/${repo.repository}:1`;
    const amd1 = await pushPlatformManifest(pusher, repo, amd64, 'a1');
    const arm1 = await pushPlatformManifest(pusher, repo, arm64, 'r1');
    await pushIndex(pusher, repo, '1', [amd1, arm1]);
    const h = await harness([
      {
        name: 'cross',
        publishes: 'apps/cross:1',
        bases: [reference],
        fixedPlatformBases: [reference],
        platforms: ['linux/amd64', 'linux/arm64'],
        rebuild: { delay: '0s', coalesceWindow: '0s' },
      },
    ]);
    await h.observe(0);
    await h.buildNow('cross');

    // Only the toolchain's amd64 image changed: the arm64 build ran it too.
    const amd2 = await pushPlatformManifest(pusher, repo, amd64, 'a2');
    await pushIndex(pusher, repo, '1', [amd2, arm1]);
    await h.observe(MINUTE);
    const plans = await h.planner.runOnce();
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({
      imageName: 'cross',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('takes emergencies first, then base changes, then scheduled runs when capacity is short', async () => {
    const h = await harness([]);
    const enqueue = (
      n: number,
      cause: 'scheduled' | 'base-change' | 'emergency' | 'manual',
    ) =>
      h.builds.enqueue({
        id: `00000000-0000-0000-0000-00000000000${n}`,
        imageName: `image-${n}`,
        entityRef: `image:default/image-${n}`,
        cause,
        force: false,
        inputs: { platforms: ['linux/amd64'] },
        createdAt: new Date(t0.getTime() + n * MINUTE),
      });
    await enqueue(1, 'scheduled');
    await enqueue(2, 'base-change');
    await enqueue(3, 'manual');
    await enqueue(4, 'emergency');
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const run = await h.builds.claim({
        owner: 'test',
        leaseMs: MINUTE,
        now: new Date(t0.getTime() + HOUR),
      });
      order.push(run!.cause);
    }
    expect(order).toEqual(['emergency', 'base-change', 'manual', 'scheduled']);
  });

  it('rebuilds on a base change an image that was never built successfully', async () => {
    const os = newBase('os');
    await os.push('1');
    const h = await harness([
      {
        name: 'app',
        publishes: 'apps/app:1',
        bases: [os.reference],
        rebuild: { delay: '0s', coalesceWindow: '0s' },
      },
    ]);
    await h.observe(0);
    // Its only build failed, on the base of that time.
    const { run } = await h.queue.start({
      image: h.entities[0],
      cause: 'manual',
    });
    await h.finish(run.id, 'failed');
    expect(await h.planner.runOnce()).toEqual([]);

    const next = await os.push('2');
    await h.observe(10 * MINUTE);
    const [planned] = await h.planner.runOnce();
    expect(planned).toMatchObject({
      imageName: 'app',
      cause: 'base-change',
      state: 'queued',
      reasons: [{ baseReference: os.reference, newDigest: next.digest }],
    });
    expect(h.queued.map(q => q.cause)).toEqual(['manual', 'base-change']);
  });

  it('builds an image whose first build failed as soon as its missing base appears, on every platform, without its delays', async () => {
    repoCounter++;
    const repo = {
      registry: registry.host,
      repository: `base/late-${repoCounter}`,
    };
    const reference = `${registry.host}/${repo.repository}:1`;
    const h = await harness([
      {
        name: 'app',
        publishes: 'apps/app:1',
        bases: [reference],
        platforms: ['linux/amd64', 'linux/arm64'],
        rebuild: { delay: '1h', coalesceWindow: '30m' },
      },
    ]);
    // The base is not pushed yet: the enrollment build fails on it.
    await h.observe(0);
    const { run } = await h.queue.start({
      image: h.entities[0],
      cause: 'enrollment',
    });
    await h.finish(run.id, 'failed');
    expect(await h.planner.runOnce()).toEqual([]);

    const amd = await pushPlatformManifest(pusher, repo, amd64, 'a1');
    const arm = await pushPlatformManifest(pusher, repo, arm64, 'r1');
    await pushIndex(pusher, repo, '1', [amd, arm]);
    // A reference not found is checked again within the hour.
    const seen = await h.observe(HOUR);
    expect(seen.discovered).toHaveLength(1);
    const [planned] = await h.planner.runOnce();
    expect(planned).toMatchObject({
      imageName: 'app',
      cause: 'base-change',
      state: 'queued',
      platforms: ['linux/amd64', 'linux/arm64'],
      reasons: [
        expect.objectContaining({
          baseReference: reference,
          notFoundBefore: true,
        }),
      ],
    });
    const firstBuild = await h.builds.get(planned.runId!);
    expect(firstBuild).toMatchObject({
      inputs: { platforms: ['linux/amd64', 'linux/arm64'] },
    });
    // Its cause says the base was not there, not that its digest is unknown.
    const pushed = planned.reasons[0].newDigest.replace('sha256:', '');
    expect(firstBuild?.causeDetail).toBe(
      `${reference} not found → ${pushed.slice(0, 12)}`,
    );

    // Once built, a change of that base waits for the image's delays again.
    await h.finish(planned.runId!);
    expect(await h.planner.runOnce()).toEqual([]);
    const amd2 = await pushPlatformManifest(pusher, repo, amd64, 'a2');
    await pushIndex(pusher, repo, '1', [amd2, arm]);
    await h.observe(MINUTE);
    const [rebuild] = await h.planner.runOnce();
    expect(rebuild).toMatchObject({
      state: 'waiting-delay',
      platforms: ['linux/amd64'],
    });
  });

  it('does not retry a failed first build for a base that was there before it began', async () => {
    const os = newBase('os');
    await os.push('1');
    const h = await harness([
      {
        name: 'app',
        publishes: 'apps/app:1',
        bases: [os.reference],
        rebuild: { delay: '0s', coalesceWindow: '0s' },
      },
    ]);
    await h.observe(0);
    // It failed before recording any base digest (its source, say).
    h.advance(MINUTE);
    const { run } = await h.queue.start({
      image: h.entities[0],
      cause: 'enrollment',
    });
    await h.finish(run.id, 'failed', { recordBases: false });
    await h.observe(HOUR);
    expect(await h.planner.runOnce()).toEqual([]);
    expect(h.queued.map(q => q.cause)).toEqual(['enrollment']);
  });
});
