import { ensureDockerd, TestDockerd } from '../../__testUtils__/ensureDockerd';
import { startSdistIndex } from '../__testUtils__/startSdistIndex';
import { AMD64_BUILDER } from '../__testUtils__/wheelBuilder';
import { resolveTarget } from './resolveTarget';

jest.setTimeout(300_000);

describe("resolveTarget (pip's resolver in the real builder)", () => {
  let dockerd: TestDockerd;
  let index: Awaited<ReturnType<typeof startSdistIndex>>;

  beforeAll(async () => {
    dockerd = await ensureDockerd();
    index = await startSdistIndex([
      'MarkupSafe-2.1.2.tar.gz',
      'cffi-1.15.1.tar.gz',
    ]);
  });
  afterAll(async () => {
    await index?.stop();
    await dockerd?.stop();
  });

  const resolve = (requirements: string[]) =>
    resolveTarget(dockerd.docker, {
      builder: AMD64_BUILDER,
      platform: 'linux/amd64',
      requirements,
      upstream: index.url,
      timeoutMs: 240_000,
    });

  it('picks the sdist the upstream index offers, with its hash, as the one to build', async () => {
    const resolved = await resolve(['MarkupSafe>=2.1,<3']);
    expect(resolved).toMatchObject({
      ok: true,
      distributions: [
        {
          project: 'markupsafe',
          version: '2.1.2',
          kind: 'sdist',
          url: expect.stringMatching(/\/files\/MarkupSafe-2\.1\.2\.tar\.gz$/),
          sha256: index.sha256('MarkupSafe-2.1.2.tar.gz'),
          requested: true,
          requiresDist: [],
        },
      ],
    });
    expect(index.requests).toContain('/simple/markupsafe/');
  });

  it('says which requirement cannot be met, and from what', async () => {
    const tooNew = await resolve(['MarkupSafe>=3']);
    expect(tooNew).toMatchObject({
      ok: false,
      error:
        'Resolving on linux/amd64: Could not find a version that satisfies the requirement MarkupSafe>=3 (from versions: 2.1.2)',
    });
    // cffi needs pycparser, which this index does not have.
    const missingDependency = await resolve(['cffi']);
    expect(missingDependency.ok).toBe(false);
    expect(!missingDependency.ok && missingDependency.error).toMatch(
      /^Resolving on linux\/amd64: Could not find a version that satisfies the requirement pycparser \(from cffi\)/,
    );
  });
});
