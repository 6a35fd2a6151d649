import { TestDatabases } from '@backstage/backend-test-utils';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { ensureDockerd, TestDockerd } from '../../__testUtils__/ensureDockerd';
import { migrateDatabase } from '../../database/migrateDatabase';
import { readWheel } from '../wheels/readWheel';
import { S390X_BUILDER, readTestSdist } from '../__testUtils__/wheelBuilder';
import { DirectoryWheelBlobStore } from '../store/DirectoryWheelBlobStore';
import { WheelFileStore } from '../store/WheelFileStore';
import { WheelPublisher } from '../WheelPublisher';
import { DEFAULT_HINT_RULES } from './hints';
import { refineSdist } from './refineSdist';

// gcc and Python run as s390x code through QEMU: minutes, not seconds.
jest.setTimeout(900_000);

describe('refineSdist for linux/s390x (through QEMU)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dockerd: TestDockerd;
  let dir: string;
  let files: WheelFileStore;
  let blobs: DirectoryWheelBlobStore;

  beforeAll(async () => {
    dockerd = await ensureDockerd();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refine-s390x-'));
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase({ getClient: async () => knex });
    files = WheelFileStore.create({ client: knex });
    blobs = new DirectoryWheelBlobStore(dir);
  });
  afterAll(async () => {
    await dockerd?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('builds MarkupSafe into an s390x wheel whose compiled module imports on s390x', async () => {
    const log: string[] = [];
    const result = await refineSdist({
      docker: dockerd.docker,
      publisher: new WheelPublisher({ files, blobs }),
      files,
      builder: S390X_BUILDER,
      platform: 'linux/s390x',
      project: 'markupsafe',
      sdist: await readTestSdist('MarkupSafe-2.1.2.tar.gz'),
      hintRules: DEFAULT_HINT_RULES,
      timeoutMs: 600_000,
      onLog: line => log.push(line),
    });
    expect(result).toMatchObject({
      status: 'published',
      attempts: [{ attempt: 1, emulated: true }],
    });
    const [file] = result.files;
    expect(file).toMatchObject({
      filename: 'MarkupSafe-2.1.2-cp311-cp311-linux_s390x.whl',
      architecture: 's390x',
    });
    expect(log[0]).toBe(
      'Attempt 1: MarkupSafe-2.1.2.tar.gz for linux/s390x (QEMU), hints: none',
    );
    expect(log).toContain('imported markupsafe._speedups');
    // The compiled module in the wheel is s390x code (EM_S390, big-endian).
    const wheel = await readWheel(
      file.filename,
      (await blobs.get(file.sha256))!,
    );
    expect(
      wheel.elfFiles.map(e => [
        e.path,
        e.header.machine,
        e.header.littleEndian,
      ]),
    ).toEqual([
      ['markupsafe/_speedups.cpython-311-s390x-linux-gnu.so', 22, false],
    ]);
  });
});
