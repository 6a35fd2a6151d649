import { TestDatabases } from '@backstage/backend-test-utils';
import {
  startTestRegistry,
  TestRegistry,
} from '../../__testUtils__/startTestRegistry';
import { BuildRunRecord } from '../../database';
import { OciRegistryClient } from '../../registry';
import { imageEntity } from '../__testUtils__/imageEntity';
import { pushTestImage } from '../__testUtils__/pushTestImage';
import { testRun } from '../__testUtils__/testRun';
import { placeAndLog, planPlatforms, recordReused } from './decidePlatforms';

jest.setTimeout(60_000);

const PLATFORMS = ['linux/amd64', 'linux/s390x'];

describe('deciding the platforms of a run (real registry)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;
  const client = OciRegistryClient.create();

  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  const image = () =>
    imageEntity({
      name: 'app',
      registry: registry.host,
      repository: 'apps/app',
      platforms: PLATFORMS,
    });
  const inputs = (platforms: string[], revision = 'abc') => ({
    sourceRevision: revision,
    dockerfileDigest: 'sha256:dockerfile',
    platforms,
  });
  /** The last successful run, which built both platforms from revision `abc`. */
  const lastRun = (digests: Record<string, string>): BuildRunRecord => ({
    id: 'last-run',
    imageName: 'app',
    entityRef: 'image:default/app',
    cause: 'manual',
    status: 'succeeded',
    inputs: inputs(PLATFORMS),
    reference: `${registry.host}/apps/app:latest`,
    platforms: PLATFORMS.map(platform => ({
      platform,
      status: 'succeeded',
      digest: digests[platform],
    })),
    attempts: 1,
    createdAt: new Date().toISOString(),
    force: false,
    cancelRequested: false,
  });

  async function started(asked: string[]) {
    return testRun({
      knex: await databases.init('SQLITE_3'),
      image: image(),
      platforms: asked,
    });
  }

  it('reuses the platforms not asked for from the last run when their manifest is still there', async () => {
    const repo = { registry: registry.host, repository: 'apps/app' };
    const amd64 = await pushTestImage(client, repo, 'linux/amd64', 'old-amd64');
    const { run, store, lines } = await started(['linux/s390x']);
    const plan = await planPlatforms({
      run,
      asked: ['linux/s390x'],
      inputs: inputs(['linux/s390x']),
      last: lastRun({ 'linux/amd64': amd64.digest }),
    });
    expect(plan).toEqual({
      platforms: ['linux/s390x'],
      inputs: inputs(['linux/s390x']),
      reused: [{ platform: 'linux/amd64', ...amd64 }],
    });

    await recordReused(run, plan.reused, 'last-run');
    expect((await store.get(run.record.id))!.platforms).toContainEqual({
      platform: 'linux/amd64',
      status: 'skipped',
      digest: amd64.digest,
      reusedFrom: 'last-run',
    });
    expect(await lines()).toContain(
      `linux/amd64: its bases did not change; reusing ${amd64.digest} from run last-run`,
    );
  });

  it('builds every platform it cannot reuse: a manifest gone from the registry', async () => {
    const { run, lines } = await started(['linux/s390x']);
    const gone = `sha256:${'0'.repeat(64)}`;
    const plan = await planPlatforms({
      run,
      asked: ['linux/s390x'],
      inputs: inputs(['linux/s390x']),
      last: lastRun({ 'linux/amd64': gone }),
    });
    expect(plan).toEqual({
      platforms: PLATFORMS,
      inputs: inputs(PLATFORMS),
      reused: [],
    });
    expect((await lines()).join('\n')).toContain(
      `linux/amd64: cannot reuse ${gone} from run last-run`,
    );
  });

  it('builds every platform when the source changed since the last run', async () => {
    const repo = { registry: registry.host, repository: 'apps/app' };
    const amd64 = await pushTestImage(client, repo, 'linux/amd64', 'old-2');
    const { run } = await started(['linux/s390x']);
    const plan = await planPlatforms({
      run,
      asked: ['linux/s390x'],
      inputs: inputs(['linux/s390x'], 'def'),
      last: lastRun({ 'linux/amd64': amd64.digest }),
    });
    expect(plan.platforms).toEqual(PLATFORMS);
    expect(plan.reused).toEqual([]);
  });

  it('places each platform and says where', async () => {
    const { run, lines } = await started(PLATFORMS);
    const placements = await placeAndLog(run, PLATFORMS, [
      {
        id: 'local',
        platforms: PLATFORMS,
        emulatedPlatforms: ['linux/s390x'],
      },
    ]);
    expect(placements).toEqual([
      { platform: 'linux/amd64', executor: 'local', emulated: false },
      { platform: 'linux/s390x', executor: 'local', emulated: true },
    ]);
    expect(await lines()).toEqual([
      'placing linux/amd64 on local',
      'placing linux/s390x on local (emulated)',
    ]);
  });

  it('places on the executor the cluster keeps least busy', async () => {
    const { run, store } = await started(['linux/amd64']);
    // A platform builds on `first` now, as the database says (any backend's).
    await store.setPlatform(run.record.id, {
      platform: 'linux/arm64',
      status: 'running',
      executor: 'first',
    });
    const candidates = ['first', 'second'].map(id => ({
      id,
      platforms: ['linux/amd64'],
      emulatedPlatforms: [],
    }));
    expect(
      (await placeAndLog(run, ['linux/amd64'], candidates))[0].executor,
    ).toBe('second');
    await store.setPlatform(run.record.id, {
      platform: 'linux/arm64',
      status: 'succeeded',
      executor: 'first',
    });
    expect(
      (await placeAndLog(run, ['linux/amd64'], candidates))[0].executor,
    ).toBe('first');
  });
});
