import { TestDatabases } from '@backstage/backend-test-utils';
import { parseWheelsFile } from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import JSZip from 'jszip';
import os from 'os';
import path from 'path';
import { ensureDockerd, TestDockerd } from '../__testUtils__/ensureDockerd';
import { startSdistIndex } from './__testUtils__/startSdistIndex';
import { AMD64_BUILDER } from './__testUtils__/wheelBuilder';
import { runWheelSet } from './runWheelSet';
import type { WheelFileStore } from './store/WheelFileStore';
import type { WheelPublisher } from './WheelPublisher';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { RefineryMetrics } from './RefineryMetrics';
import { createTestWheelStore } from './__testUtils__/testWheelStore';
import { buildTestSdist } from './__testUtils__/buildTestSdist';
import { USES_MARKUPSAFE } from './__testUtils__/usesMarkupSafe';

jest.setTimeout(600_000);

describe('runWheelSet (real builder, real sdists on a local index)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dockerd: TestDockerd;
  let index: Awaited<ReturnType<typeof startSdistIndex>>;
  let dir: string;
  let files: WheelFileStore;
  let publisher: WheelPublisher;

  beforeAll(async () => {
    dockerd = await ensureDockerd();
    index = await startSdistIndex(
      ['MarkupSafe-2.1.2.tar.gz', 'cffi-1.15.1.tar.gz'],
      [await buildTestSdist(USES_MARKUPSAFE)],
    );
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wheel-set-'));
    ({ files, publisher } = await createTestWheelStore(
      await databases.init('SQLITE_3'),
      dir,
    ));
  });
  afterAll(async () => {
    await index?.stop();
    await dockerd?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const setOf = (requirements: string[], platforms = '[linux/amd64]') =>
    parseWheelsFile(`wheelSets:
  - name: web
    owner: team-web
    requirements: ${JSON.stringify(requirements)}
    targets: [{ python: cp311, platforms: ${platforms} }]
    builder: wheel-builder
    upstream: ${index.url}
    timeout: 5m
`).sets[0];

  const metricsService = metricsServiceMock.mock();
  const metrics = new RefineryMetrics(metricsService);
  const run = (
    requirements: string[],
    extra: {
      dryRun?: boolean;
      platforms?: string;
      store?: { files: WheelFileStore; publisher: WheelPublisher };
      onLog?: (line: string) => void;
    } = {},
  ) =>
    runWheelSet({
      metrics,
      docker: dockerd.docker,
      publisher: extra.store?.publisher ?? publisher,
      files: extra.store?.files ?? files,
      onLog: extra.onLog,
      set: setOf(requirements, extra.platforms),
      builders: { 'linux/amd64': AMD64_BUILDER },
      dryRun: extra.dryRun,
    });

  it('plans, builds and publishes a set; planned again, it builds nothing', async () => {
    const [dry] = await run(['MarkupSafe>=2.1'], { dryRun: true });
    expect(dry).toMatchObject({
      platform: 'linux/amd64',
      items: [{ project: 'markupsafe', version: '2.1.2', action: 'build' }],
      rounds: [['markupsafe']],
      results: [],
    });
    expect(await files.listFiles('markupsafe')).toEqual([]);

    const [first] = await run(['MarkupSafe>=2.1']);
    expect(first.results).toEqual([
      expect.objectContaining({
        project: 'markupsafe',
        version: '2.1.2',
        status: 'published',
        files: ['MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl'],
      }),
    ]);
    expect(index.requests).toContain('/files/MarkupSafe-2.1.2.tar.gz');

    const counter = (metricsService.createCounter as jest.Mock).mock.results[0]
      .value;
    expect(counter.add).toHaveBeenCalledWith(1, {
      platform: 'linux/amd64',
      result: 'published',
      cause: 'none',
    });

    const [again] = await run(['MarkupSafe>=2.1']);
    expect(again).toMatchObject({
      items: [{ project: 'markupsafe', action: 'built' }],
      rounds: [],
      results: [],
    });
  });

  it('reports a target it cannot plan, and one it has no builder for, and goes on with the others', async () => {
    const runs = await run(['cffi'], {
      dryRun: true,
      platforms: '[linux/amd64, linux/riscv64]',
    });
    expect(runs.map(r => [r.platform, r.error?.split(' (from')[0]])).toEqual([
      [
        'linux/amd64',
        'Resolving on linux/amd64: Could not find a version that satisfies the requirement pycparser',
      ],
      [
        'linux/riscv64',
        'No builder for linux/riscv64: the refinery has builders for linux/amd64 (imageFactory.refinery.builders)',
      ],
    ]);
  });

  it("builds a set's build requirement in an earlier round and installs it in the builder of what needs it", async () => {
    const store = await createTestWheelStore(
      await databases.init('SQLITE_3'),
      await fs.mkdtemp(path.join(dir, 'order-')),
    );
    // Alone, the builder has no MarkupSafe: the build fails on it.
    const [alone] = await run(['uses-markupsafe==1.0'], { store });
    expect(alone.results).toEqual([
      expect.objectContaining({
        project: 'uses-markupsafe',
        status: 'failed',
        failure: expect.objectContaining({
          cause: 'missing-build-dependency',
        }),
      }),
    ]);

    // With MarkupSafe in the set, it is built first and installed.
    const log: string[] = [];
    const [ordered] = await run(['uses-markupsafe==1.0', 'MarkupSafe==2.1.2'], {
      store,
      onLog: line => log.push(line),
    });
    expect(
      ordered.items.map(i => [i.project, i.action, i.buildAfter]).sort(),
    ).toEqual([
      ['markupsafe', 'build', []],
      ['uses-markupsafe', 'build', ['markupsafe']],
    ]);
    expect(ordered.rounds).toEqual([['markupsafe'], ['uses-markupsafe']]);
    expect(log).toContain(
      "uses-markupsafe 1.0 is built with setuptools, markupsafe: the refinery's markupsafe first",
    );
    expect(
      log.some(l =>
        l.startsWith(
          'Installing build requirements built in earlier rounds: /in/MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl',
        ),
      ),
    ).toBe(true);
    expect(ordered.results.map(r => [r.project, r.status])).toEqual([
      ['markupsafe', 'published'],
      ['uses-markupsafe', 'published'],
    ]);
    // The wheel holds what MarkupSafe generated at build time.
    const [wheel] = await store.files.listFiles('uses-markupsafe');
    const bytes = await store.publisher.published(
      'uses-markupsafe',
      '1.0',
      'linux/amd64',
    );
    expect(wheel.filename).toBe('uses_markupsafe-1.0-py3-none-any.whl');
    const zip = await JSZip.loadAsync(bytes[0].bytes);
    expect(await zip.file('uses_markupsafe.py')!.async('string')).toContain(
      "ESCAPED = '&lt;b&gt;'",
    );
  });
});
