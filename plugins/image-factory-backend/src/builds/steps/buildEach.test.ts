import { TestDatabases } from '@backstage/backend-test-utils';
import { imageEntity } from '../__testUtils__/imageEntity';
import { testRun } from '../__testUtils__/testRun';
import { Placement } from '../placement';
import { buildEach } from './buildEach';

jest.setTimeout(60_000);

const image = imageEntity({
  name: 'app',
  registry: '127.0.0.1:5000',
  repository: 'apps/app',
  platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
});
const placements: Placement[] = image.spec.platforms.map(platform => ({
  platform,
  executor: 'local',
  emulated: platform !== 'linux/amd64',
}));

/** Resolves after `ms`, or rejects when `signal` aborts. */
function work(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}

describe('buildEach', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('builds every placement, at most parallelPlatforms at once, results in placement order', async () => {
    const { run } = await testRun({
      knex: await databases.init('SQLITE_3'),
      image,
      parallelPlatforms: 2,
    });
    let active = 0;
    let most = 0;
    const outcome = await buildEach(run, placements, async (p, signal) => {
      most = Math.max(most, ++active);
      await work(p.platform === 'linux/amd64' ? 50 : 10, signal);
      active--;
      return p.platform;
    });
    expect(outcome).toEqual({ ok: true, built: image.spec.platforms });
    expect(most).toBe(2);
  });

  it('stops the other platforms at the first failure and fails the run with its error', async () => {
    const { run, store, lines } = await testRun({
      knex: await databases.init('SQLITE_3'),
      image,
      parallelPlatforms: 3,
    });
    const outcome = await buildEach(run, placements, async (p, signal) => {
      if (p.platform === 'linux/arm64') {
        await work(20, signal);
        throw Object.assign(new Error('step 2 exited with 1'), {
          name: 'BuildFailedError',
        });
      }
      await work(10_000, signal);
      return p.platform;
    });
    expect(outcome).toEqual({
      ok: false,
      end: {
        status: 'failed',
        reason: 'linux/arm64: step 2 exited with 1',
        errorType: 'build-failed',
      },
    });
    const record = await store.get(run.record.id);
    expect(record!.platforms).toEqual([
      {
        platform: 'linux/amd64',
        status: 'cancelled',
        executor: 'local',
        emulated: false,
        error: 'stopped because linux/arm64 failed',
      },
      {
        platform: 'linux/arm64',
        status: 'failed',
        executor: 'local',
        emulated: true,
        error: 'step 2 exited with 1',
      },
      {
        platform: 'linux/s390x',
        status: 'cancelled',
        executor: 'local',
        emulated: true,
        error: 'stopped because linux/arm64 failed',
      },
    ]);
    expect(await lines()).toContain('linux/arm64 failed: step 2 exited with 1');
  });

  it('throws the abort reason when the run itself is cancelled', async () => {
    const controller = new AbortController();
    const { run } = await testRun({
      knex: await databases.init('SQLITE_3'),
      image,
      signal: controller.signal,
    });
    const cancelled = new Error('cancelled by jane');
    setTimeout(() => controller.abort(cancelled), 20);
    await expect(
      buildEach(run, placements, async (p, signal) => {
        await work(10_000, signal);
        return p.platform;
      }),
    ).rejects.toBe(cancelled);
  });
});
