import {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ResponseError } from '@backstage/errors';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  BuildArtifactList,
  imageBuildEntityV1alpha1Validator,
} from '@image-factory/plugin-image-factory-common';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { ImageFactoryEntitiesProcessor } from '../processor/ImageFactoryEntitiesProcessor';
import { ImageFactoryBuildsEntityProvider } from './ImageFactoryBuildsEntityProvider';
// The answer of the backend's `GET /artifacts` in its route test
// (image-factory-backend/src/service/artifactRoutes.test.ts).
import artifacts from '../__fixtures__/artifacts.json';

class ManualTaskRunner implements SchedulerServiceTaskRunner {
  readonly tasks: SchedulerServiceTaskInvocationDefinition[] = [];
  async run(task: SchedulerServiceTaskInvocationDefinition): Promise<void> {
    this.tasks.push(task);
  }
}

class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    this.mutations.push(mutation);
  }
  async refresh(): Promise<void> {}
}

describe('ImageFactoryBuildsEntityProvider', () => {
  let server: Server;
  let baseUrl: string;
  let answer: { status: number; body: unknown };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  async function connected() {
    const logger = mockServices.logger.mock();
    const schedule = new ManualTaskRunner();
    const provider = ImageFactoryBuildsEntityProvider.fromConfig(
      new ConfigReader({}),
      {
        logger,
        schedule,
        artifacts: async () => {
          const res = await fetch(`${baseUrl}/artifacts`);
          if (!res.ok) throw await ResponseError.fromResponse(res);
          return (await res.json()) as BuildArtifactList;
        },
      },
    );
    const connection = new RecordingConnection();
    await provider.connect(connection);
    return { provider, connection, schedule, logger };
  }

  it('turns the backend answer into valid ImageBuild entities with a full mutation on its schedule', async () => {
    answer = { status: 200, body: artifacts };
    const { connection, schedule } = await connected();
    expect(schedule.tasks.map(t => t.id)).toEqual([
      'image-factory-builds:refresh',
    ]);
    await schedule.tasks[0].fn(new AbortController().signal);
    const [mutation] = connection.mutations;
    expect(mutation.type).toBe('full');
    const entities =
      mutation.type === 'full' ? mutation.entities.map(e => e.entity) : [];
    // gone's build went to the archive with it: no ImageBuild entity, and
    // none with the provider owner in place of its own.
    expect(artifacts.items.map(a => a.imageName)).toContain('gone');
    expect(entities.map(e => e.metadata.name)).toEqual([
      'hello-cccccccccccc',
      'hello-bbbbbbbbbbbb',
    ]);
    const [first] = entities;
    expect(first.metadata.namespace).toBe('default');
    // Its page reads the run's inputs and links to the run by this id.
    expect(first.metadata.annotations?.['imagefactory.dev/run-id']).toBe(
      artifacts.items[0].runId,
    );
    expect(first.spec).toEqual({
      image: 'image:default/hello',
      owner: 'group:default/team-web',
      reference: `127.0.0.1:5000/apps/hello@sha256:${'c'.repeat(64)}`,
      digest: `sha256:${'c'.repeat(64)}`,
      tags: ['latest'],
      platforms: artifacts.items[0].platforms,
      cause: 'base-change',
      builtFrom: artifacts.items[0].builtFrom,
      producedBy: 'provider:default/executor-local-docker',
      createdAt: '2026-11-23T10:03:30.000Z',
    });
    for (const entity of entities) {
      await expect(
        imageBuildEntityV1alpha1Validator.check(entity),
      ).resolves.toBe(true);
    }
    // The processor relates it to its Image, owner and executor.
    const emitted: any[] = [];
    await new ImageFactoryEntitiesProcessor().postProcessEntity(
      first,
      { type: 'url', target: 'x' },
      r => emitted.push(r),
    );
    const relations = emitted
      .filter(e => e.type === 'relation')
      .map(
        e =>
          `${e.relation.type} ${e.relation.target.kind}:${e.relation.target.name}`,
      );
    expect(relations).toEqual(
      expect.arrayContaining([
        'buildOf image:hello',
        'ownedBy group:team-web',
        'providedBy provider:executor-local-docker',
      ]),
    );
  });

  it('keeps the catalog as it is and logs once while the backend fails', async () => {
    answer = {
      status: 503,
      body: { error: { name: 'Error', message: 'down' } },
    };
    const { provider, connection, logger } = await connected();
    await provider.refresh();
    await provider.refresh();
    expect(connection.mutations).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    answer = { status: 200, body: { perImage: 5, items: [] } };
    await provider.refresh();
    expect(connection.mutations).toEqual([{ type: 'full', entities: [] }]);
  });
});
