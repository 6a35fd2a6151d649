import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { promises as fs } from 'fs';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { ensureDockerd, TestDockerd } from '../../__testUtils__/ensureDockerd';
import { migrateDatabase } from '../../database/migrateDatabase';
import { startRouteTestBackend } from '../../service/__testUtils__/startRouteTestBackend';
import { readWheel } from '../wheels/readWheel';
import { S390X_BUILDER, readTestSdist } from '../__testUtils__/wheelBuilder';
import { DirectoryWheelBlobStore } from '../store/DirectoryWheelBlobStore';
import { WheelFileStore } from '../store/WheelFileStore';
import { WheelPublisher } from '../WheelPublisher';
import { DEFAULT_HINT_RULES } from './hints';
import { refineSdist, RefineResult } from './refineSdist';
import { runBuilderContainer } from './runBuilderContainer';

// gcc and Python run as s390x code through QEMU: minutes, not seconds.
jest.setTimeout(900_000);

/**
 * The refinery's point, end to end on s390x: a real upstream sdist built in
 * the s390x builder through QEMU, checked and imported there, published, and
 * installed by pip in an s390x container from the backend's index.
 */
describe('MarkupSafe for linux/s390x: built, served, installed by pip', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dockerd: TestDockerd;
  let github: GitHubTestServer;
  let dir: string;
  let blobs: DirectoryWheelBlobStore;
  let backend: Awaited<ReturnType<typeof startRouteTestBackend>>;
  let result: RefineResult;
  const log: string[] = [];

  beforeAll(async () => {
    dockerd = await ensureDockerd();
    github = await startGitHubTestServer({ repos: [] });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refine-s390x-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      'apiVersion: imagefactory.dev/v1alpha1\nimages: []\n',
    );
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase({ getClient: async () => knex });
    const files = WheelFileStore.create({ client: knex });
    blobs = new DirectoryWheelBlobStore(path.join(dir, 'store'));
    backend = await startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      imageFactory: {
        refinery: { store: { directory: path.join(dir, 'store') } },
      },
    });
    result = await refineSdist({
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
  });
  afterAll(async () => {
    await backend?.stop();
    await github?.stop();
    await dockerd?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('builds an s390x wheel whose compiled module is s390x code and imports on s390x', async () => {
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

  it("is what pip installs on s390x from the backend's index, with a token as Basic auth", async () => {
    const { port } = backend.server.address() as AddressInfo;
    const token = encodeURIComponent(mockCredentials.user.token());
    const index = `http://token:${token}@127.0.0.1:${port}/api/image-factory/refinery/simple/`;
    const output: string[] = [];
    const outcome = await runBuilderContainer(dockerd.docker, {
      image: S390X_BUILDER,
      platform: 'linux/s390x',
      cmd: [
        'sh',
        '-c',
        [
          'set -e',
          'python3 -m pip install --no-cache-dir --disable-pip-version-check --target /tmp/site --index-url "$1" markupsafe',
          'PYTHONPATH=/tmp/site python3 -c "import platform, markupsafe._speedups as s; print(platform.machine(), s.escape(\'<s390x>\'))"',
        ].join('\n'),
        'sh',
        index,
      ],
      env: { PIP_ROOT_USER_ACTION: 'ignore' },
      files: [],
      network: 'host',
      timeoutMs: 300_000,
      purpose: 'pip install from the refinery index',
      onLog: line => output.push(line),
    });
    expect({ exitCode: outcome.exitCode, output }).toMatchObject({
      exitCode: 0,
      output: expect.arrayContaining([
        expect.stringMatching(/^Successfully installed markupsafe-2\.1\.2$/i),
        's390x &lt;s390x&gt;',
      ]),
    });
  });
});
