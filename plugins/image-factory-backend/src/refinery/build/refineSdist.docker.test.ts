import { TestDatabases } from '@backstage/backend-test-utils';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { ensureDockerd, TestDockerd } from '../../__testUtils__/ensureDockerd';
import { AMD64_BUILDER, readTestSdist } from '../__testUtils__/wheelBuilder';
import type { WheelFileStore } from '../store/WheelFileStore';
import type { WheelPublisher } from '../WheelPublisher';
import { DEFAULT_HINT_RULES } from './hints';
import { refineSdist } from './refineSdist';
import { checkWheelImports } from './checkWheelImports';
import { buildTestWheel } from '../__testUtils__/buildTestWheel';
import { createTestWheelStore } from '../__testUtils__/testWheelStore';

// Real builds: Debian's gcc and pip in the debootstrapped builder, and for
// the hint, libffi-dev from the Debian mirror.
jest.setTimeout(600_000);

describe('refineSdist (real builder, real sdists)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dockerd: TestDockerd;
  let dir: string;
  let files: WheelFileStore;
  let publisher: WheelPublisher;

  beforeAll(async () => {
    dockerd = await ensureDockerd();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refine-'));
    ({ files, publisher } = await createTestWheelStore(
      await databases.init('SQLITE_3'),
      dir,
    ));
  });
  afterAll(async () => {
    await dockerd?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const refine = async (filename: string, project: string) => {
    const log: string[] = [];
    const result = await refineSdist({
      docker: dockerd.docker,
      publisher,
      files,
      builder: AMD64_BUILDER,
      platform: 'linux/amd64',
      project,
      sdist: await readTestSdist(filename),
      hintRules: DEFAULT_HINT_RULES,
      timeoutMs: 300_000,
      onLog: line => log.push(line),
    });
    return { result, log };
  };

  it('builds MarkupSafe from its sdist, checks and publishes the wheel, and reuses it on a re-run', async () => {
    const { result, log } = await refine(
      'MarkupSafe-2.1.2.tar.gz',
      'markupsafe',
    );
    expect(result.status).toBe('published');
    expect(result.attempts).toHaveLength(1);
    expect(result.files.map(f => f.filename)).toEqual([
      'MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl',
    ]);
    expect(log).toContain('Successfully built MarkupSafe');
    // Installed and imported in a fresh container before it was published.
    expect(log).toEqual(
      expect.arrayContaining([
        'imported markupsafe',
        'imported markupsafe._speedups',
      ]),
    );
    const listed = await files.listFiles('markupsafe');
    expect(listed).toEqual([
      expect.objectContaining({
        filename: 'MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl',
        architecture: 'x86_64',
        buildKey: result.buildKey,
      }),
    ]);

    const again = await refine('MarkupSafe-2.1.2.tar.gz', 'markupsafe');
    expect(again.result).toMatchObject({
      status: 'reused',
      buildKey: result.buildKey,
      attempts: [],
    });
    expect(again.log).toEqual([
      'Reused MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl: built before from the same sdist, builder, hints and platform',
    ]);
  });

  it('fails cffi on the missing ffi.h, then passes with the hint that installs libffi-dev', async () => {
    const { result, log } = await refine('cffi-1.15.1.tar.gz', 'cffi');
    expect(
      result.attempts.map(a => [
        a.failure?.cause,
        a.failure?.missing,
        a.hints.debianPackages,
      ]),
    ).toEqual([
      ['missing-header', 'ffi.h', []],
      [undefined, undefined, ['libffi-dev']],
    ]);
    expect(log).toContain('A hint applies: apt:libffi-dev');
    expect(log).toEqual(
      expect.arrayContaining(['imported _cffi_backend', 'imported cffi']),
    );
    expect(result.status).toBe('published');
    expect(result.files.map(f => f.filename)).toEqual([
      'cffi-1.15.1-cp311-cp311-linux_x86_64.whl',
    ]);
  });

  it('refuses to publish a wheel that does not import on its platform, saying why', async () => {
    const wheel = await buildTestWheel({
      name: 'needs-lib',
      version: '1.0',
      initSource:
        "raise ImportError('libneeds.so.1: cannot open shared object file')\n",
    });
    const check = await checkWheelImports(dockerd.docker, {
      image: AMD64_BUILDER,
      platform: 'linux/amd64',
      wheel,
      modules: ['needs_lib'],
      timeoutMs: 120_000,
    });
    expect(check).toMatchObject({ passed: false, emulated: false });
    expect(check.error).toBe(
      'Installing and importing needs_lib-1.0-py3-none-any.whl on linux/amd64 failed: ImportError: libneeds.so.1: cannot open shared object file',
    );
    await expect(
      publisher.publish(wheel.filename, wheel.bytes, {
        verify: async () => {
          throw new Error(check.error);
        },
      }),
    ).rejects.toThrow('libneeds.so.1');
    expect(await files.listFiles('needs-lib')).toEqual([]);
  });

  it('fails a build whose wheel lies about its platform, naming the file, and publishes nothing', async () => {
    // A set's hint that makes setuptools tag an x86_64 build linux_aarch64.
    const log: string[] = [];
    const result = await refineSdist({
      docker: dockerd.docker,
      publisher,
      files,
      builder: AMD64_BUILDER,
      platform: 'linux/amd64',
      project: 'markupsafe',
      sdist: await readTestSdist('MarkupSafe-2.1.2.tar.gz'),
      hintRules: [
        {
          project: 'markupsafe',
          env: { _PYTHON_HOST_PLATFORM: 'linux-aarch64' },
        },
      ],
      timeoutMs: 300_000,
      onLog: line => log.push(line),
    });
    expect(result).toMatchObject({
      status: 'failed',
      files: [],
      failure: { cause: 'wheel-check', transient: false },
    });
    expect(result.failure!.message).toContain(
      'MarkupSafe-2.1.2-cp311-cp311-linux_aarch64.whl',
    );
    expect(await files.listFiles('markupsafe')).toHaveLength(1); // only the honest one
  });

  it('refuses an sdist name that is not one, naming the field, before starting anything', async () => {
    await expect(
      refineSdist({
        docker: dockerd.docker,
        publisher,
        files,
        builder: AMD64_BUILDER,
        platform: 'linux/amd64',
        project: 'x',
        sdist: { filename: 'x; rm -rf /.tar.gz', bytes: Buffer.from('') },
        hintRules: [],
        timeoutMs: 1000,
      }),
    ).rejects.toThrow(
      "sdist: 'x; rm -rf /.tar.gz' is not a source distribution file name (name-version.tar.gz or .zip)",
    );
  });
});
