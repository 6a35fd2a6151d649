import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { ensureDockerd, TestDockerd } from '../../__testUtils__/ensureDockerd';
import {
  startTestRegistry,
  TestRegistry,
} from '../../__testUtils__/startTestRegistry';
import { imageEntity } from '../../builds/__testUtils__/imageEntity';
import { ExecutorPool, RegistryCredentialSource } from '../../builds';
import { migrateDatabase } from '../../database';
import { DockerExecutor } from '../../executor';
import { captureLogger } from '../../executor/__testUtils__/captureLogger';
import { pushRunnableImage } from '../../executor/__testUtils__/pushRunnableImage';
import { OciRegistryClient } from '../../registry';
import { stagePolicies } from '../stagePolicies';
import { createStageVerifier } from './createStageVerifier';

jest.setTimeout(240_000);

const USERNAME = 'stage-verifier';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const NATIVE = `linux/${os.arch() === 'x64' ? 'amd64' : os.arch()}`;

// The factory's verifier as the lifecycle uses it: the checks of a stage
// run on the real engine against the version pulled by digest from a real
// registry with credentials; each verification is stored with its log.
describe('createStageVerifier', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let executor: DockerExecutor;
  let workDir: string;
  let digest: string;

  beforeAll(async () => {
    [dockerd, registry] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
    ]);
    executor = DockerExecutor.create({
      docker: dockerd.docker,
      logger: captureLogger(),
    });
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stage-verifier-'));
    const auth = {
      username: USERNAME,
      password: PASSWORD,
      serveraddress: registry.host,
    };
    const pushed = await pushRunnableImage({
      executor,
      client: OciRegistryClient.create({
        credentials: async () => ({ type: 'basic', ...auth }),
      }),
      repository: `${registry.host}/apps/verified`,
      platforms: [NATIVE],
      auth,
      workDir,
    });
    digest = pushed.reference.split('@')[1];
  });

  afterAll(async () => {
    await registry?.stop();
    await dockerd?.stop();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  it('runs the checks of a stage for the digest, stores the outcome and the log without the secret, and certifies only that digest', async () => {
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase({ getClient: async () => knex });
    const verifier = createStageVerifier({
      client: knex,
      executors: new ExecutorPool([executor], []),
      credentials: new RegistryCredentialSource({
        providers: [],
        configured: new Map([
          [registry.host, { username: USERNAME, password: PASSWORD }],
        ]),
      }),
      logger: mockServices.logger.mock(),
    });
    const image = imageEntity({
      name: 'verified',
      registry: registry.host,
      repository: 'apps/verified',
      platforms: [NATIVE],
    });
    image.spec.stages = ['dev', 'prod'];
    image.spec.stagePolicies = [
      {
        name: 'dev',
        verify: [
          {
            name: 'smoke',
            command: [
              '/bin/busybox',
              'sh',
              '-c',
              `echo smoke ok; echo ${PASSWORD}`,
            ],
          },
        ],
      },
      {
        name: 'prod',
        verify: [
          { name: 'strict', command: ['/bin/busybox', 'sh', '-c', 'exit 3'] },
        ],
      },
    ];
    const [dev, prod] = stagePolicies(image);

    const passing = await verifier.start({ image, stage: dev, digest });
    await expect(passing.outcome).resolves.toEqual({
      passed: true,
      summary: expect.stringMatching(/passed/),
    });
    expect(await verifier.passed(image, dev, digest)).toBe(passing.id);
    // A pass is for that stage and that digest only.
    expect(await verifier.passed(image, prod, digest)).toBeUndefined();
    expect(
      await verifier.passed(image, dev, `sha256:${'0'.repeat(64)}`),
    ).toBeUndefined();
    const lines = await verifier.logs.read(passing.id, {
      after: 0,
      limit: 100,
    });
    const text = lines.map(l => l.text).join('\n');
    expect(text).toContain('[smoke] smoke ok');
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('[redacted]');

    const failing = await verifier.start({ image, stage: prod, digest });
    await expect(failing.outcome).resolves.toEqual({
      passed: false,
      summary: expect.stringMatching(/strict on linux\/.* exited 3/),
    });
    expect(await verifier.store.get(failing.id)).toMatchObject({
      status: 'failed',
      results: [
        expect.objectContaining({
          check: 'strict',
          status: 'failed',
          exitCode: 3,
        }),
      ],
    });
  });
});
