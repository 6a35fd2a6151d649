import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { OciRegistryClient } from '../registry';
import { pushPlatformManifest } from '../tracking/__testUtils__/pushImages';
import { createPlannerHarness } from './__testUtils__/plannerHarness';
import { EmergencyRebuilds } from './EmergencyRebuilds';
import { RebuildMetrics } from './RebuildMetrics';

/*
 * An emergency cascade through the planner, on the real queue and database;
 * builds are ended by the test and the clock is the test's.
 */

jest.setTimeout(60_000);

const MINUTE = 60_000;
const t0 = new Date('2026-11-01T00:00:00Z');

describe('EmergencyRebuilds', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry();
  }, 30_000);
  afterAll(() => registry?.stop());

  it('queues the image at once and its cascade in order, skipping delays, audited and notified', async () => {
    const host = registry.host;
    const os = `${host}/base/os:1`;
    await pushPlatformManifest(
      OciRegistryClient.create(),
      { registry: host, repository: 'base/os' },
      { os: 'linux', architecture: 'amd64' },
      '1',
      '1',
    );
    const slow = { delay: '7d', coalesceWindow: '1h' };
    const h = await createPlannerHarness({
      databases,
      registryHost: host,
      start: t0,
      images: [
        {
          name: 'runtime',
          publishes: 'apps/runtime:1',
          bases: [os],
          rebuild: slow,
        },
        {
          // A base image with a source: the factory builds it, so an
          // emergency cascade rebuilds it like a managed one.
          name: 'web',
          type: 'base',
          publishes: 'apps/web:1',
          bases: [`${host}/apps/runtime:1`],
          rebuild: slow,
        },
        {
          name: 'api',
          publishes: 'apps/api:1',
          bases: [`${host}/apps/web:1`],
          rebuild: { ...slow, auto: false },
        },
      ],
    });
    await h.observe(0);
    for (const name of ['runtime', 'web', 'api']) await h.buildNow(name);
    const sent: NotificationSendOptions[] = [];
    const counted: Array<[string, number, unknown]> = [];
    const metrics = {
      createCounter: (name: string) => ({
        add: (n: number, attributes: unknown) =>
          void counted.push([name, n, attributes]),
      }),
    } as unknown as MetricsService;
    const emergency = new EmergencyRebuilds({
      images: () => h.entities,
      graph: h.plannerGraph,
      plans: h.plans,
      queue: h.queue,
      logger: mockServices.logger.mock(),
      notifications: { send: async o => void sent.push(o) },
      maxDepth: 10,
      metrics: new RebuildMetrics(metrics),
      clock: h.now,
    });

    h.advance(MINUTE);
    const response = await emergency.trigger({
      image: h.entities[0],
      justification: 'CVE-2026-1234',
      cascade: true,
      actor: 'user:default/jane',
    });
    expect(response.runs.map(r => [r.imageName, r.cause])).toEqual([
      ['runtime', 'emergency'],
    ]);
    expect(response.audit.summary).toBe(
      `queued run ${response.runs[0].id}; 2 images in the cascade follow in order: image:default/web, image:default/api`,
    );
    expect(counted).toEqual([
      ['image_factory_rebuilds_planned_total', 3, { cause: 'emergency' }],
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: 'group:default/team-web',
    });

    const states = async () =>
      Object.fromEntries(
        (await h.planner.runOnce()).map(p => [p.imageName, p.state]),
      );
    expect(await states()).toEqual({
      runtime: 'queued',
      web: 'waiting-upstream',
      api: 'waiting-upstream',
    });
    await h.finish(response.runs[0].id);
    h.advance(MINUTE);
    // No 7-day delay, no quiet hour, and `auto: false` does not stop an emergency.
    expect(await states()).toEqual({ web: 'queued', api: 'waiting-upstream' });
    const web = (await h.planner.upcoming()).find(p => p.imageName === 'web')!;
    await h.finish(web.runId!);
    h.advance(MINUTE);
    expect(await states()).toEqual({ api: 'queued' });
    expect(h.queued.map(q => [q.image, q.cause, q.detail])).toEqual([
      ['runtime', 'emergency', 'CVE-2026-1234'],
      ['web', 'emergency', 'CVE-2026-1234'],
      ['api', 'emergency', 'CVE-2026-1234'],
    ]);
    const audit = await h.plans.listAudit('image:default/api', 10);
    expect(audit[0]).toMatchObject({
      action: 'emergency-cascade-queued',
      actor: 'user:default/jane',
      justification: 'CVE-2026-1234',
    });
  });

  it('joins a queued run as an emergency, and builds again after a run that started before it', async () => {
    const host = registry.host;
    const os = `${host}/base/os:1`;
    await pushPlatformManifest(
      OciRegistryClient.create(),
      { registry: host, repository: 'base/os' },
      { os: 'linux', architecture: 'amd64' },
      '1',
      '1',
    );
    const h = await createPlannerHarness({
      databases,
      registryHost: host,
      start: t0,
      images: [
        { name: 'app', publishes: 'apps/app:1', bases: [os] },
        { name: 'other', publishes: 'apps/other:1', bases: [os] },
      ],
    });
    await h.observe(0);
    for (const name of ['app', 'other']) await h.buildNow(name);
    const emergency = new EmergencyRebuilds({
      images: () => h.entities,
      graph: h.plannerGraph,
      plans: h.plans,
      queue: h.queue,
      logger: mockServices.logger.mock(),
      maxDepth: 10,
      clock: h.now,
    });
    const [app, other] = h.entities;

    // A manual run of `other` waits in the queue: the emergency joins it and
    // it is claimed first, as an emergency, before `app`'s earlier run.
    const { run: appRun } = await h.queue.start({
      image: app,
      cause: 'manual',
    });
    h.advance(MINUTE);
    const { run: queued } = await h.queue.start({
      image: other,
      cause: 'manual',
    });
    h.advance(MINUTE);
    const joined = await emergency.trigger({
      image: other,
      justification: 'CVE-2026-2',
      cascade: false,
      actor: 'user:default/jane',
    });
    expect(joined.runs.map(r => r.id)).toEqual([queued.id]);
    const first = await h.builds.claim({
      owner: 'test',
      leaseMs: 60_000,
      now: h.now(),
    });
    expect(first).toMatchObject({
      id: queued.id,
      cause: 'emergency',
      causeDetail: 'CVE-2026-2',
      requestedBy: 'user:default/jane',
      force: true,
    });

    // `app`'s run is building when the emergency comes: it built what was
    // there before, so once it ends a new emergency run is queued.
    h.advance(MINUTE);
    const building = await h.builds.claim({
      owner: 'test',
      leaseMs: 60_000,
      now: h.now(),
    });
    expect(building?.id).toBe(appRun.id);
    h.advance(MINUTE);
    const during = await emergency.trigger({
      image: app,
      justification: 'CVE-2026-3',
      cascade: false,
      actor: 'user:default/jane',
    });
    expect(during.runs.map(r => r.id)).toEqual([appRun.id]);
    await h.builds.finish({
      id: appRun.id,
      owner: 'test',
      now: h.now(),
      end: { status: 'succeeded', indexDigest: `sha256:${'1'.repeat(64)}` },
    });
    h.advance(MINUTE);
    const plans = await h.planner.runOnce();
    const again = plans.find(p => p.imageName === 'app');
    expect(again).toMatchObject({ cause: 'emergency', state: 'queued' });
    expect(again?.runId).not.toBe(appRun.id);
    expect((await h.builds.get(again!.runId!))?.cause).toBe('emergency');
    // Both at the same time (the test's clock): found by action, not order.
    const trail = await h.plans.listAudit('image:default/app', 5);
    expect(trail.map(a => a.action)).toContain('emergency-cascade-queued');
    const requeued = trail.find(a => a.action === 'emergency-requeued');
    expect(requeued?.summary).toBe(
      `run ${appRun.id} started before the emergency was asked; a new run builds it`,
    );
  });
});
