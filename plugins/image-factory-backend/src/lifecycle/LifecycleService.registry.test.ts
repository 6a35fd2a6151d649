import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  BuildRun,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { migrateDatabase, StageStore } from '../database';
import { OciRegistryClient } from '../registry';
import { pushImageIndex, PushedImageIndex } from '../versions/__testUtils__';
import { LifecycleService } from './LifecycleService';

jest.setTimeout(120_000);

describe('LifecycleService against a real registry', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let registry: TestRegistry;
  let client: OciRegistryClient;
  let v1: PushedImageIndex;
  let v2: PushedImageIndex;
  let image: ImageEntityV1alpha1;

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = OciRegistryClient.create();
    const repo = { registry: registry.host, repository: 'apps/web' };
    v1 = await pushImageIndex(client, repo, { tag: 'latest', seed: 'one' });
    v2 = await pushImageIndex(client, repo, { tag: 'latest', seed: 'two' });
    image = imageEntity({
      name: 'web',
      registry: registry.host,
      repository: 'apps/web',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    image.spec.stages = ['dev', 'staging', 'prod'];
  });
  afterAll(() => registry?.stop());

  const run = (id: string, indexDigest: string): BuildRun => ({
    id,
    imageName: 'web',
    entityRef: 'image:default/web',
    cause: 'manual',
    status: 'succeeded',
    inputs: { platforms: ['linux/amd64'] },
    indexDigest,
    platforms: [],
    attempts: 1,
    createdAt: '2026-12-01T00:00:00.000Z',
  });

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    const store = StageStore.create({ client: knex });
    const lifecycle = new LifecycleService({
      store,
      registry: () => client,
      runs: async () => [run('r2', v2.digest), run('r1', v1.digest)],
      logger: mockServices.logger.mock(),
      retryDelayMs: 10,
    });
    return { lifecycle, store };
  }

  const tagDigest = async (tag: string) =>
    (
      await client.headManifest({
        registry: registry.host,
        repository: 'apps/web',
        tag,
      })
    ).digest;

  it.each(databases.eachSupportedId())(
    'promotes stage by stage, moving each stage tag by digest, and rolls back, on %p',
    async databaseId => {
      const { lifecycle } = await setUp(databaseId);
      const by = 'user:default/alice';
      const first = await lifecycle.promote(image, {
        stage: 'dev',
        digest: v1.digest,
        by,
        reason: 'first',
      });
      expect(first).toMatchObject({
        stage: 'dev',
        action: 'promote',
        toDigest: v1.digest,
        status: 'done',
        requestedBy: by,
      });
      expect(await tagDigest('dev')).toBe(v1.digest);

      await lifecycle.promote(image, { stage: 'staging', digest: v1.digest });
      await lifecycle.promote(image, { stage: 'dev', digest: v2.digest });
      await lifecycle.promote(image, { stage: 'staging', digest: v2.digest });
      expect(await tagDigest('staging')).toBe(v2.digest);

      const back = await lifecycle.rollback(image, { stage: 'staging', by });
      expect(back).toMatchObject({
        action: 'rollback',
        fromDigest: v2.digest,
        toDigest: v1.digest,
        status: 'done',
      });
      expect(await tagDigest('staging')).toBe(v1.digest);

      const list = await lifecycle.list(image);
      expect(list.stages).toEqual([
        expect.objectContaining({
          name: 'dev',
          tag: 'dev',
          digest: v2.digest,
          previousDigest: v1.digest,
        }),
        expect.objectContaining({
          name: 'staging',
          digest: v1.digest,
          previousDigest: v2.digest,
        }),
        { name: 'prod', tag: 'prod', promotion: 'manual' },
      ]);
      expect(list.moves.map(m => [m.action, m.stage, m.status])).toEqual([
        ['rollback', 'staging', 'done'],
        ['promote', 'staging', 'done'],
        ['promote', 'dev', 'done'],
        ['promote', 'staging', 'done'],
        ['promote', 'dev', 'done'],
      ]);
    },
  );

  it('refuses bad moves naming the stage or digest, and changes nothing', async () => {
    const { lifecycle } = await setUp('SQLITE_3');
    await expect(
      lifecycle.promote(image, { stage: 'qa', digest: v1.digest }),
    ).rejects.toThrow(
      /^stage: web has no stage 'qa' \(its stages: dev, staging, prod\)/,
    );
    await expect(
      lifecycle.promote(image, { stage: 'prod', digest: v1.digest }),
    ).rejects.toThrow(
      /^stage: prod takes only what staging holds \(nothing yet\)/,
    );
    await expect(
      lifecycle.promote(image, {
        stage: 'dev',
        digest: `sha256:${'0'.repeat(64)}`,
      }),
    ).rejects.toThrow(
      /^digest: sha256:0+ is no version the factory built of web/,
    );
    await expect(lifecycle.rollback(image, { stage: 'dev' })).rejects.toThrow(
      /^stage: dev of web has no earlier version to go back to/,
    );
    await lifecycle.promote(image, { stage: 'dev', digest: v1.digest });
    await expect(
      lifecycle.promote(image, { stage: 'dev', digest: v1.digest }),
    ).rejects.toThrow(/holds sha256:.* already/);
    await expect(
      lifecycle.rollback(image, { stage: 'dev', digest: v2.digest }),
    ).rejects.toThrow(/^digest: dev never held/);
    const list = await lifecycle.list(image);
    expect(list.moves).toHaveLength(1);
  });

  it('reports a move failed, not done, while the registry is down, and the stage keeps its version', async () => {
    const { lifecycle } = await setUp('SQLITE_3');
    await lifecycle.promote(image, { stage: 'dev', digest: v1.digest });
    await registry.pause();
    let failed;
    try {
      failed = await lifecycle.promote(image, {
        stage: 'dev',
        digest: v2.digest,
      });
    } finally {
      await registry.resume();
    }
    expect(failed).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(
        /^The tag dev did not move: Registry .* is unreachable/,
      ),
    });
    const list = await lifecycle.list(image);
    expect(list.stages[0].digest).toBe(v1.digest);
    expect(await tagDigest('dev')).toBe(v1.digest);
  });

  it('finishes a move a stopped backend left pending', async () => {
    const { lifecycle, store } = await setUp('SQLITE_3');
    await store.begin({
      id: 'b2c8a7d0-0000-4000-8000-000000000001',
      imageName: 'web',
      stage: 'dev',
      action: 'promote',
      toDigest: v2.digest,
      status: 'pending',
      trigger: 'user',
      createdAt: new Date(),
    });
    // A second move of the stage waits for the pending one.
    await expect(
      lifecycle.promote(image, { stage: 'dev', digest: v1.digest }),
    ).rejects.toThrow(/is being moved already/);
    await lifecycle.recover([image]);
    expect(await store.pending()).toEqual([]);
    expect((await lifecycle.list(image)).stages[0].digest).toBe(v2.digest);
    expect(await tagDigest('dev')).toBe(v2.digest);
  });
});
