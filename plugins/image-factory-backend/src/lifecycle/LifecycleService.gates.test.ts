import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  AuditEvent,
  BuildRun,
  ImageEntityV1alpha1,
  ImageStagePolicy,
} from '@image-factory/plugin-image-factory-common';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { migrateDatabase, StageStore } from '../database';
import { OciRegistryClient } from '../registry';
import { pushImageIndex, PushedImageIndex } from '../versions/__testUtils__';
import { StageVerificationOutcome, StageVerifier } from './gates';
import { LifecycleService } from './LifecycleService';

jest.setTimeout(120_000);

/**
 * Checks whose outcome the test decides, so that the gate logic is seen
 * step by step (the real container runs are tested with the verifier).
 */
class ScriptedVerifier implements StageVerifier {
  readonly started: Array<{
    stage: string;
    digest: string;
    settle: (o: StageVerificationOutcome) => void;
  }> = [];
  readonly passes = new Set<string>();

  async passed(
    _image: ImageEntityV1alpha1,
    stage: { name: string },
    digest: string,
  ) {
    return this.passes.has(`${stage.name}:${digest}`)
      ? `v-${stage.name}`
      : undefined;
  }

  async start(request: {
    stage: { name: string };
    digest: string;
  }): Promise<{ id: string; outcome: Promise<StageVerificationOutcome> }> {
    let settle!: (o: StageVerificationOutcome) => void;
    const outcome = new Promise<StageVerificationOutcome>(r => {
      settle = r;
    }).then(o => {
      if (o.passed) this.passes.add(`${request.stage.name}:${request.digest}`);
      return o;
    });
    this.started.push({
      stage: request.stage.name,
      digest: request.digest,
      settle,
    });
    return { id: `v-${this.started.length}`, outcome };
  }

  /** Verifications another backend holds (their lease is live). */
  readonly live = new Set<string>();

  async isLive(id: string) {
    return this.live.has(id);
  }
}

describe('LifecycleService gates against a real registry', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let registry: TestRegistry;
  let client: OciRegistryClient;
  let v1: PushedImageIndex;
  let v2: PushedImageIndex;

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = OciRegistryClient.create();
    const repo = { registry: registry.host, repository: 'apps/gated' };
    v1 = await pushImageIndex(client, repo, { tag: 'latest', seed: 'g1' });
    v2 = await pushImageIndex(client, repo, { tag: 'latest', seed: 'g2' });
  });
  afterAll(() => registry?.stop());

  let repository = 'apps/gated';
  const imageWith = (policies: ImageStagePolicy[]) => {
    const image = imageEntity({
      name: 'gated',
      registry: registry.host,
      repository,
      platforms: ['linux/amd64'],
    });
    image.spec.stages = policies.map(p => p.name);
    image.spec.stagePolicies = policies;
    return image;
  };

  const run = (
    id: string,
    indexDigest: string,
    cause: BuildRun['cause'],
    finishedAt: string,
  ): BuildRun => ({
    id,
    imageName: 'gated',
    entityRef: 'image:default/gated',
    cause,
    status: 'succeeded',
    inputs: { platforms: ['linux/amd64'] },
    indexDigest,
    platforms: [],
    attempts: 1,
    createdAt: finishedAt,
    finishedAt,
  });

  async function setUp(
    databaseId: Parameters<typeof databases.init>[0],
    runs: BuildRun[],
    clock?: () => Date,
  ) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    const store = StageStore.create({ client: knex });
    const verifier = new ScriptedVerifier();
    const audit: AuditEvent[] = [];
    const lifecycle = new LifecycleService({
      store,
      registry: () => client,
      runs: async () => runs,
      logger: mockServices.logger.mock(),
      verifier,
      audit: async e => {
        audit.push(e);
      },
      retryDelayMs: 10,
      clock,
    });
    return { lifecycle, store, verifier, audit };
  }

  const tagDigest = async (tag: string) =>
    (
      await client.headManifest({
        registry: registry.host,
        repository,
        tag,
      })
    ).digest;

  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) {
      await new Promise(r => setTimeout(r, 25));
    }
    expect(await check()).toBe(true);
  };

  it.each(databases.eachSupportedId())(
    'a build enters dev after its verification passes, waits for an approver other than the requester for prod, on %p',
    async databaseId => {
      // Each database gets its own repository: the registry outlives the run.
      repository = `apps/gated-${databaseId.toLowerCase().replace('_', '-')}`;
      const { digest } = await pushImageIndex(
        client,
        { registry: registry.host, repository },
        { tag: 'latest', seed: 'g1' },
      );
      const image = imageWith([
        { name: 'dev', verify: [{ name: 'smoke' }] },
        {
          name: 'prod',
          tag: 'production',
          promotion: 'approval',
          approvers: ['group:default/release'],
        },
      ]);
      const now = new Date().toISOString();
      const { lifecycle, verifier, audit } = await setUp(databaseId, [
        run('r1', digest, 'base-change', now),
      ]);

      // The build enters dev on its own, through its check.
      await lifecycle.reconcile(image);
      expect(verifier.started).toEqual([
        expect.objectContaining({ stage: 'dev', digest }),
      ]);
      const dev = (await lifecycle.list(image)).moves[0];
      expect(dev).toMatchObject({
        status: 'waiting',
        waitingFor: 'verification',
        trigger: 'auto',
        verificationId: 'v-1',
      });
      await expect(tagDigest('dev')).rejects.toThrow();
      verifier.started[0].settle({
        passed: true,
        summary: 'smoke passed on linux/amd64',
      });
      await until(
        async () => (await lifecycle.list(image)).stages[0].digest === digest,
      );
      expect(await tagDigest('dev')).toBe(digest);

      // prod waits for an approver; the requester and non-members may not.
      const asked = await lifecycle.promote(image, {
        stage: 'prod',
        digest: digest,
        by: 'user:default/alice',
        reason: 'release 1',
      });
      expect(asked).toMatchObject({
        status: 'waiting',
        waitingFor: 'approval',
      });
      const request = { stage: 'prod', moveId: asked.id, reason: 'ok' };
      await expect(
        lifecycle.approve(image, request, {
          ref: 'user:default/alice',
          ownership: ['user:default/alice', 'group:default/release'],
        }),
      ).rejects.toThrow(/You asked for this promotion into prod/);
      await expect(
        lifecycle.approve(image, request, {
          ref: 'user:default/bob',
          ownership: ['user:default/bob', 'group:default/dev'],
        }),
      ).rejects.toThrow(/Only members of group:default\/release/);
      await expect(tagDigest('production')).rejects.toThrow();

      const approved = await lifecycle.approve(image, request, {
        ref: 'user:default/carol',
        ownership: ['user:default/carol', 'group:default/release'],
      });
      expect(approved).toMatchObject({
        status: 'done',
        decidedBy: 'user:default/carol',
        decisionReason: 'ok',
        requestedBy: 'user:default/alice',
      });
      expect(await tagDigest('production')).toBe(digest);
      await expect(
        lifecycle.approve(image, request, { ref: 'user:default/carol' }),
      ).rejects.toThrow(/is not waiting for approval/);
      expect(audit.map(a => a.action)).toEqual(
        expect.arrayContaining([
          'stage-verification',
          'stage-promoted',
          'stage-approved',
        ]),
      );
    },
  );

  afterEach(() => {
    repository = 'apps/gated';
  });

  it('a failed verification ends the move, keeps the stage, and is not retried on its own', async () => {
    const image = imageWith([{ name: 'dev', verify: [{ name: 'smoke' }] }]);
    const { lifecycle, verifier } = await setUp('SQLITE_3', [
      run('r2', v2.digest, 'base-change', new Date().toISOString()),
    ]);
    await lifecycle.reconcile(image);
    verifier.started[0].settle({
      passed: false,
      summary: 'smoke on linux/amd64 exited 3',
    });
    await until(
      async () => (await lifecycle.list(image)).moves[0].status === 'failed',
    );
    const list = await lifecycle.list(image);
    expect(list.moves[0].error).toBe(
      'Verification failed: smoke on linux/amd64 exited 3',
    );
    expect(list.stages[0].digest).toBeUndefined();
    await lifecycle.reconcile(image);
    expect(verifier.started).toHaveLength(1);
  });

  it('a rejected promotion ends as rejected, naming who and why', async () => {
    const image = imageWith([
      { name: 'dev' },
      { name: 'prod', promotion: 'approval' },
    ]);
    const { lifecycle } = await setUp('SQLITE_3', [
      run('r1', v1.digest, 'manual', new Date().toISOString()),
    ]);
    await lifecycle.promote(image, {
      stage: 'dev',
      digest: v1.digest,
      by: 'user:default/alice',
    });
    const asked = await lifecycle.promote(image, {
      stage: 'prod',
      digest: v1.digest,
      by: 'user:default/alice',
    });
    const rejected = await lifecycle.reject(
      image,
      { stage: 'prod', moveId: asked.id, reason: 'not this week' },
      { ref: 'user:default/dave' },
    );
    expect(rejected).toMatchObject({
      status: 'rejected',
      decidedBy: 'user:default/dave',
      error: 'Rejected by user:default/dave: not this week',
    });
    expect((await lifecycle.list(image)).stages[1].digest).toBeUndefined();
  });

  it('soak holds a promotion back until the version spent its time in the stage before; an emergency build skips it, audited', async () => {
    let now = new Date('2026-12-05T10:00:00Z');
    const image = imageWith([
      { name: 'dev' },
      { name: 'staging', promotion: 'auto', soak: '1h' },
    ]);
    const runs = [run('r1', v1.digest, 'base-change', '2026-12-05T09:59:00Z')];
    const { lifecycle, audit } = await setUp('SQLITE_3', runs, () => now);
    await lifecycle.reconcile(image);
    await until(
      async () => (await lifecycle.list(image)).stages[0].digest === v1.digest,
    );
    // Manual promotion within the soak: refused, naming the field and the time.
    await expect(
      lifecycle.promote(image, { stage: 'staging', digest: v1.digest }),
    ).rejects.toThrow(
      /^soak: staging takes a version after 1h in dev; .* may move on at 2026-12-05T11:00:00.000Z/,
    );
    await lifecycle.reconcile(image);
    expect((await lifecycle.list(image)).stages[1].digest).toBeUndefined();

    now = new Date('2026-12-05T11:00:01Z');
    await lifecycle.reconcile(image);
    await until(
      async () => (await lifecycle.list(image)).stages[1].digest === v1.digest,
    );
    expect(await tagDigest('staging')).toBe(v1.digest);

    // An emergency build goes through at once, and the skip is audited.
    runs.unshift(run('r2', v2.digest, 'emergency', '2026-12-05T11:05:00Z'));
    now = new Date('2026-12-05T11:06:00Z');
    await lifecycle.reconcile(image);
    await until(
      async () => (await lifecycle.list(image)).stages[1].digest === v2.digest,
    );
    expect(audit.find(a => a.action === 'stage-soak-skipped')?.summary).toMatch(
      /soak skipped for sha256:.* emergency run r2/,
    );
  });

  it('a manual build enters the first stage only', async () => {
    const image = imageWith([
      { name: 'dev' },
      { name: 'staging', promotion: 'auto' },
    ]);
    const { lifecycle } = await setUp('SQLITE_3', [
      run('r1', v1.digest, 'manual', new Date(Date.now() - 1000).toISOString()),
    ]);
    await lifecycle.reconcile(image);
    await until(
      async () => (await lifecycle.list(image)).stages[0].digest === v1.digest,
    );
    await lifecycle.reconcile(image);
    await new Promise(r => setTimeout(r, 200));
    expect((await lifecycle.list(image)).stages[1].digest).toBeUndefined();
  });

  it('runs the checks again after a restart for a move that waited for them', async () => {
    const image = imageWith([{ name: 'dev', verify: [{ name: 'smoke' }] }]);
    const runs = [
      run('r1', v1.digest, 'base-change', new Date().toISOString()),
    ];
    const first = await setUp('SQLITE_3', runs);
    await first.lifecycle.reconcile(image);
    expect(first.verifier.started).toHaveLength(1);
    // The backend stops here; a new one starts over the same database.
    const verifier = new ScriptedVerifier();
    const second = new LifecycleService({
      store: first.store,
      registry: () => client,
      runs: async () => runs,
      logger: mockServices.logger.mock(),
      verifier,
    });
    await second.recover([image]);
    expect(verifier.started).toHaveLength(1);
    verifier.started[0].settle({ passed: true, summary: 'ok' });
    await until(
      async () => (await second.list(image)).stages[0].digest === v1.digest,
    );
  });

  it('leaves a move to the replica that still runs its checks, and takes it over once that replica stopped', async () => {
    const image = imageWith([{ name: 'dev', verify: [{ name: 'smoke' }] }]);
    const runs = [
      run('r1', v1.digest, 'base-change', new Date().toISOString()),
    ];
    const first = await setUp('SQLITE_3', runs);
    await first.lifecycle.reconcile(image);
    expect(first.verifier.started).toHaveLength(1);
    // Another replica starts while the first one runs the checks (v-1).
    const verifier = new ScriptedVerifier();
    verifier.live.add('v-1');
    const second = new LifecycleService({
      store: first.store,
      registry: () => client,
      runs: async () => runs,
      logger: mockServices.logger.mock(),
      verifier,
    });
    await second.recover([image]);
    expect(verifier.started).toHaveLength(0);
    // A sweep that found other verifications interrupted leaves this one too.
    await second.recover([image], new Set(['v-9']));
    expect(verifier.started).toHaveLength(0);
    // The first replica stops: its lease expires, the sweep takes it over.
    verifier.live.delete('v-1');
    await second.recover([image], new Set(['v-1']));
    expect(verifier.started).toHaveLength(1);
    verifier.started[0].settle({ passed: true, summary: 'ok' });
    await until(
      async () => (await second.list(image)).stages[0].digest === v1.digest,
    );
  });
});
