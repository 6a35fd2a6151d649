import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  BuildRun,
  ImageEntityV1alpha1,
  parseWheelsFile,
} from '@image-factory/plugin-image-factory-common';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { ensureDockerd, TestDockerd } from '../../__testUtils__/ensureDockerd';
import {
  startTestRegistry,
  TestRegistry,
} from '../../__testUtils__/startTestRegistry';
import { DockerExecutor } from '../../executor/DockerExecutor';
import { RegistryCredentials } from '../../registry';
import { runWheelSet } from '../runWheelSet';
import type { WheelFileStore } from '../store/WheelFileStore';
import type { WheelPublisher } from '../WheelPublisher';
import { startSdistIndex } from '../__testUtils__/startSdistIndex';
import { createTestWheelStore } from '../__testUtils__/testWheelStore';
import { AMD64_BUILDER } from '../__testUtils__/wheelBuilder';
import { FactoryBuilderImages } from './FactoryBuilderImages';

jest.setTimeout(600_000);

const USERNAME = 'factory';
const PASSWORD = `secret-${randomBytes(6).toString('hex')}`;

describe('wheel sets built in an image the factory builds', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let index: Awaited<ReturnType<typeof startSdistIndex>>;
  let dir: string;
  let files: WheelFileStore;
  let publisher: WheelPublisher;
  let executor: DockerExecutor;

  beforeAll(async () => {
    [dockerd, registry, index] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
      startSdistIndex(['MarkupSafe-2.1.2.tar.gz']),
    ]);
    executor = DockerExecutor.create({
      docker: dockerd.docker,
      logger: mockServices.logger.mock(),
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'factory-builder-'));
    ({ files, publisher } = await createTestWheelStore(
      await databases.init('SQLITE_3'),
      dir,
    ));
  });
  afterAll(async () => {
    await index?.stop();
    await registry?.stop();
    await dockerd?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const repository = 'base/wheel-builder';
  const image = (platforms: string[]) =>
    ({
      apiVersion: 'imagefactory.dev/v1alpha1',
      kind: 'Image',
      metadata: { name: 'wheel-builder', namespace: 'default' },
      spec: {
        registry: registry.host,
        repository,
        reference: `${registry.host}/${repository}:bookworm`,
        platforms,
      },
    } as unknown as ImageEntityV1alpha1);
  const succeeded = (id: string, digest: string, status = 'succeeded') =>
    ({
      id,
      imageName: 'wheel-builder',
      status,
      platforms: [{ platform: 'linux/amd64', status, digest }],
    } as unknown as BuildRun);

  /**
   * A new build of the builder as the factory pushes it: the debootstrap
   * builder with one more layer, pushed with credentials, then removed
   * from the engine so that the refinery must pull it.
   */
  async function pushBuilderBuild(label: string): Promise<string> {
    const tag = `${registry.host}/${repository}:${label}`;
    const container = await dockerd.docker.createContainer({
      Image: AMD64_BUILDER,
      Cmd: ['true'],
    });
    await container.commit({
      repo: `${registry.host}/${repository}`,
      tag: label,
      changes: `LABEL org.example.build=${label}`,
    });
    await container.remove();
    const { digest } = await executor.push({
      tag,
      auth: {
        username: USERNAME,
        password: PASSWORD,
        serveraddress: registry.host,
      },
    });
    await dockerd.docker.getImage(tag).remove();
    return digest;
  }

  const setOf = (builder: string, platforms = '[linux/amd64]') =>
    parseWheelsFile(`wheelSets:
  - name: web
    owner: team-web
    requirements: [MarkupSafe==2.1.2]
    targets: [{ python: cp311, platforms: ${platforms} }]
    builder: ${builder}
    upstream: ${index.url}
    timeout: 5m
`).sets[0];

  const builderImages = (
    images: ImageEntityV1alpha1[],
    runs: BuildRun[],
    credentials: RegistryCredentials = {
      type: 'basic',
      username: USERNAME,
      password: PASSWORD,
    },
  ) =>
    new FactoryBuilderImages({
      docker: dockerd.docker,
      images: () => images,
      runs: async name => (name === 'wheel-builder' ? runs : []),
      configured: { 'linux/amd64': AMD64_BUILDER },
      credentials: async host =>
        host === registry.host ? credentials : undefined,
    });

  const run = (builder: string, images: FactoryBuilderImages) => {
    const logs: string[] = [];
    return runWheelSet({
      docker: dockerd.docker,
      publisher,
      files,
      set: setOf(builder),
      builders: { 'linux/amd64': AMD64_BUILDER },
      builderImages: images,
      onLog: line => logs.push(line),
    }).then(targets => ({ targets, logs }));
  };

  it("builds in the builder's newest build, pulled by digest, builds nothing the second time, and builds again in a rebuilt builder under the next build tag", async () => {
    const first = await pushBuilderBuild('r1');
    const images = [image(['linux/amd64'])];
    const { targets, logs } = await run(
      'wheel-builder',
      builderImages(images, [succeeded('run-1', first)]),
    );
    expect(targets[0]).toMatchObject({
      builder: `${registry.host}/${repository}@${first}`,
      builderImage: 'image:default/wheel-builder',
      results: [
        {
          project: 'markupsafe',
          status: 'published',
          files: ['MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl'],
        },
      ],
    });
    expect(logs).toContain(
      `Builder of cp311 linux/amd64: ${registry.host}/${repository}@${first}, the image wheel-builder the factory built (run run-1)`,
    );
    // The engine holds the builder now, by digest.
    await expect(
      dockerd.docker
        .getImage(`${registry.host}/${repository}@${first}`)
        .inspect(),
    ).resolves.toMatchObject({ Architecture: 'amd64' });

    const again = await run(
      'wheel-builder',
      builderImages(images, [succeeded('run-1', first)]),
    );
    // Built in this builder before: the plan builds nothing.
    expect(again.targets[0]).toMatchObject({
      items: [{ project: 'markupsafe', action: 'built' }],
      results: [],
    });

    // The factory rebuilt the builder (its base changed): the wheel is
    // built again in it, and served under build tag 1 beside the first.
    const second = await pushBuilderBuild('r2');
    const rebuilt = await run(
      'wheel-builder',
      builderImages(images, [
        succeeded('run-3', 'sha256:'.padEnd(71, '0'), 'failed'),
        succeeded('run-2', second),
        succeeded('run-1', first),
      ]),
    );
    expect(rebuilt.targets[0]).toMatchObject({
      builder: `${registry.host}/${repository}@${second}`,
      items: [{ project: 'markupsafe', action: 'build' }],
      results: [
        {
          status: 'published',
          files: ['MarkupSafe-2.1.2-1-cp311-cp311-linux_x86_64.whl'],
        },
      ],
    });
    expect(
      (await files.listFiles('markupsafe')).map(f => f.filename).sort(),
    ).toEqual([
      'MarkupSafe-2.1.2-1-cp311-cp311-linux_x86_64.whl',
      'MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl',
    ]);
  });

  it('says why a target has no builder, and takes the configured one when images.yaml has no such image', async () => {
    const digest = 'sha256:'.padEnd(71, 'a');
    const plan = async (
      builder: string,
      images: ImageEntityV1alpha1[],
      runs: BuildRun[],
      platforms?: string,
    ) => {
      const logs: string[] = [];
      const [target] = await runWheelSet({
        docker: dockerd.docker,
        publisher,
        files,
        set: setOf(builder, platforms),
        builders: { 'linux/amd64': AMD64_BUILDER },
        builderImages: builderImages(images, runs),
        dryRun: true,
        onLog: line => logs.push(line),
      });
      return { target, logs };
    };
    const amd64Only = [image(['linux/amd64'])];

    expect(
      (await plan('wheel-builder', amd64Only, [], '[linux/s390x]')).target,
    ).toMatchObject({
      error:
        'The builder image wheel-builder is not built for linux/s390x (its platforms: linux/amd64)',
      items: [],
    });
    expect(
      (
        await plan('wheel-builder', amd64Only, [
          succeeded('f', digest, 'failed'),
        ])
      ).target.error,
    ).toBe(
      'The builder image wheel-builder has no successful build for linux/amd64 yet: the set runs again when the factory has built it',
    );

    const fallback = await plan('python-builder', amd64Only, []);
    expect(fallback.target.builder).toBe(AMD64_BUILDER);
    expect(fallback.target.builderImage).toBeUndefined();
    expect(fallback.logs).toContain(
      `Builder of cp311 linux/amd64: ${AMD64_BUILDER}, the configured builder of linux/amd64 (imageFactory.refinery.builders): images.yaml has no image named 'python-builder'`,
    );
    expect(fallback.target.items.map(i => i.project)).toEqual(['markupsafe']);
  });

  it('fails the plan naming the builder when the registry refuses the pull, without the password', async () => {
    const digest = await pushBuilderBuild('r3');
    const wrong = `wrong-${randomBytes(4).toString('hex')}`;
    const error = await runWheelSet({
      docker: dockerd.docker,
      publisher,
      files,
      set: setOf('wheel-builder'),
      builders: {},
      builderImages: builderImages(
        [image(['linux/amd64'])],
        [succeeded('run-r3', digest)],
        { type: 'basic', username: USERNAME, password: wrong },
      ),
      dryRun: true,
    }).then(
      () => undefined,
      e => e as Error,
    );
    expect(error?.message).toContain(
      `The image ${registry.host}/${repository}@${digest} cannot be pulled for linux/amd64`,
    );
    expect(error?.message).not.toContain(wrong);
  });
});
