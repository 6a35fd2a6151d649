import {
  LoggerService,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskRunner,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { ImageFactoryEntityProvider } from './ImageFactoryEntityProvider';

const EXAMPLES = path.resolve(__dirname, '../../../../examples/images.yaml');

const BAD_ENTRY = `
  - name: escapes-repo
    type: managed
    owner: team-web
    reference: localhost:5000/apps/escapes-repo
    source:
      repo: image-factory/examples
      dockerfile: ../../x
`;

/** Keeps the scheduled task so the test decides when it runs. */
class ManualTaskRunner implements SchedulerServiceTaskRunner {
  readonly tasks: SchedulerServiceTaskInvocationDefinition[] = [];

  async run(task: SchedulerServiceTaskInvocationDefinition): Promise<void> {
    this.tasks.push(task);
  }

  async runAll(): Promise<void> {
    for (const task of this.tasks) {
      await task.fn(new AbortController().signal);
    }
  }
}

/** Records every mutation the provider applies. */
class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  failWith?: Error;

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    if (this.failWith) {
      throw this.failWith;
    }
    this.mutations.push(mutation);
  }

  async refresh(): Promise<void> {}

  get last(): EntityProviderMutation {
    const mutation = this.mutations[this.mutations.length - 1];
    if (!mutation) {
      throw new Error('no mutation was applied');
    }
    return mutation;
  }
}

/** The metadata a LoggerService takes (JsonObject). */
type JsonObject = Parameters<LoggerService['child']>[0];

type LogRecord = { level: string; message: string; meta: JsonObject };

/** A LoggerService whose children write to the same record, with their meta merged in. */
class RecordingLogger implements LoggerService {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly base: JsonObject = {},
  ) {}

  private record(level: string, message: string, meta?: Error | JsonObject) {
    const extra: JsonObject =
      meta instanceof Error
        ? { error: meta.message }
        : ((meta ?? {}) as JsonObject);
    this.records.push({ level, message, meta: { ...this.base, ...extra } });
  }

  error(message: string, meta?: Error | JsonObject) {
    this.record('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.record('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.record('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.record('debug', message, meta);
  }
  child(meta: JsonObject): LoggerService {
    return new RecordingLogger(this.records, { ...this.base, ...meta });
  }

  at(level: string): LogRecord[] {
    return this.records.filter(r => r.level === level);
  }
}

const noUrls: UrlReaderService = {
  async readUrl(url) {
    throw new NotFoundError(`${url} is not served in this test`);
  },
  async readTree(url) {
    throw new NotFoundError(`${url} is not served in this test`);
  },
  async search(url) {
    throw new NotFoundError(`${url} is not served in this test`);
  },
};

function refsOf(
  entities: { entity: { kind: string; metadata: { name: string } } }[],
) {
  return entities.map(({ entity }) => stringifyEntityRef(entity as any));
}

const IMAGE_REFS = [
  'image:default/debian-bookworm',
  'image:default/busybox-upstream',
  'image:default/busybox-base',
  'image:default/hello-web',
];
const PROVIDER_REFS = [
  'provider:default/executor-local-docker',
  'provider:default/registry-local',
  'provider:default/source-github',
];

describe('ImageFactoryEntityProvider', () => {
  let dir: string;
  let file: string;
  let runner: ManualTaskRunner;
  let connection: RecordingConnection;
  let logger: RecordingLogger;

  function createProvider(location: string) {
    return ImageFactoryEntityProvider.fromConfig(
      new ConfigReader({
        imageFactory: {
          images: { location },
          providerOwner: 'group:default/platform-team',
          providers: {
            registries: { local: { type: 'oci', host: 'localhost:5000' } },
          },
        },
      }),
      { logger, schedule: runner, urlReader: noUrls },
    );
  }

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-factory-provider-'));
    file = path.join(dir, 'images.yaml');
    await fs.copyFile(EXAMPLES, file);
    runner = new ManualTaskRunner();
    connection = new RecordingConnection();
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('has a stable name and schedules one refresh task on connect', async () => {
    const provider = createProvider(file);
    expect(provider.getProviderName()).toBe('image-factory');

    await provider.connect(connection);

    expect(runner.tasks.map(t => t.id)).toEqual(['image-factory:refresh']);
    expect(connection.mutations).toEqual([]);
  });

  it('applies a full mutation with the images and the providers', async () => {
    const provider = createProvider(file);
    await provider.connect(connection);

    await runner.runAll();

    expect(connection.mutations).toHaveLength(1);
    const mutation = connection.last;
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    expect(refsOf(mutation.entities)).toEqual([
      ...IMAGE_REFS,
      ...PROVIDER_REFS,
    ]);
    expect(new Set(mutation.entities.map(e => e.locationKey))).toEqual(
      new Set([`image-factory:${file}`]),
    );
    const helloWeb = mutation.entities[3].entity;
    expect(helloWeb.spec).toMatchObject({
      owner: 'group:default/team-web',
      providedBy: 'provider:default/registry-local',
    });
    const registry = mutation.entities[5].entity;
    expect(registry.spec).toMatchObject({
      type: 'registry',
      endpoint: 'localhost:5000',
      owner: 'group:default/platform-team',
    });
    expect(logger.at('warn')).toEqual([]);
    expect(logger.at('error')).toEqual([]);
  });

  it('leaves out an invalid entry and warns naming its field', async () => {
    const provider = createProvider(file);
    await provider.connect(connection);
    await runner.runAll();

    await fs.appendFile(file, BAD_ENTRY);
    await runner.runAll();

    expect(connection.mutations).toHaveLength(2);
    const mutation = connection.last;
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    expect(refsOf(mutation.entities)).toEqual([
      ...IMAGE_REFS,
      ...PROVIDER_REFS,
    ]);
    expect(logger.at('warn')).toEqual([
      {
        level: 'warn',
        message: 'Invalid field in images.yaml',
        meta: expect.objectContaining({
          taskId: 'image-factory:refresh',
          location: file,
          field: 'images[4].source.dockerfile',
          entry: 'escapes-repo',
          problem: 'must be a relative path inside the repository',
        }),
      },
    ]);
  });

  it('keeps the previous images when the file stops being valid YAML', async () => {
    const provider = createProvider(file);
    await provider.connect(connection);
    await runner.runAll();

    await fs.writeFile(file, 'images:\n  - name: [unclosed\n');
    await runner.runAll();

    expect(connection.mutations).toHaveLength(2);
    const mutation = connection.last;
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    expect(refsOf(mutation.entities)).toEqual([
      ...IMAGE_REFS,
      ...PROVIDER_REFS,
    ]);
    expect(logger.at('error')).toEqual([
      expect.objectContaining({
        message: 'Could not read images.yaml; keeping the previous images',
        meta: expect.objectContaining({
          location: file,
          error: expect.stringContaining('invalid YAML'),
        }),
      }),
    ]);
  });

  it('keeps the previous images under the same location key when the file disappears', async () => {
    const provider = createProvider(path.relative(process.cwd(), file));
    await provider.connect(connection);
    await runner.runAll();

    await fs.rm(file);
    await runner.runAll();

    expect(connection.mutations).toHaveLength(2);
    const [before, after] = connection.mutations;
    if (before.type !== 'full' || after.type !== 'full') {
      throw new Error('expected full mutations');
    }
    expect(refsOf(after.entities)).toEqual(refsOf(before.entities));
    expect(
      new Set([...before.entities, ...after.entities].map(e => e.locationKey)),
    ).toEqual(new Set([`image-factory:${file}`]));
    expect(logger.at('error')[0].meta.error).toBe(
      `imageFactory.images.location: '${file}' does not exist`,
    );
  });

  it('drops images removed from the file', async () => {
    const provider = createProvider(file);
    await provider.connect(connection);
    await runner.runAll();

    await fs.writeFile(
      file,
      'images:\n  - name: nginx\n    type: external\n    owner: web\n    reference: nginx\n',
    );
    await runner.runAll();

    const mutation = connection.last;
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    expect(refsOf(mutation.entities)).toEqual([
      'image:default/nginx',
      ...PROVIDER_REFS,
    ]);
  });

  it('only adds the providers while the file has never been read', async () => {
    const provider = createProvider(path.join(dir, 'missing.yaml'));
    await provider.connect(connection);

    await runner.runAll();

    expect(connection.mutations).toHaveLength(1);
    const mutation = connection.last;
    if (mutation.type !== 'delta') throw new Error('expected a delta mutation');
    expect(refsOf(mutation.added)).toEqual(PROVIDER_REFS);
    expect(mutation.removed).toEqual([]);
    expect(logger.at('error')).toHaveLength(1);

    await fs.copyFile(EXAMPLES, path.join(dir, 'missing.yaml'));
    await runner.runAll();
    expect(connection.last.type).toBe('full');
  });

  it('refreshes on demand once connected', async () => {
    const provider = createProvider(file);
    await expect(provider.refresh()).rejects.toThrow(
      'ImageFactoryEntityProvider is not connected yet',
    );

    await provider.connect(connection);
    await provider.refresh();

    expect(connection.mutations).toHaveLength(1);
    expect(runner.tasks).toHaveLength(1);
  });

  it('logs a failed mutation instead of failing the task', async () => {
    const provider = createProvider(file);
    await provider.connect(connection);
    connection.failWith = new Error('catalog database is gone');

    await expect(runner.runAll()).resolves.toBeUndefined();

    expect(logger.at('error')).toEqual([
      {
        level: 'error',
        message: 'Image Factory catalog refresh failed',
        meta: expect.objectContaining({
          taskId: 'image-factory:refresh',
          error: 'catalog database is gone',
        }),
      },
    ]);
  });

  it('needs a scheduler or a schedule', () => {
    expect(() =>
      ImageFactoryEntityProvider.fromConfig(new ConfigReader({}), {
        logger,
        urlReader: noUrls,
      }),
    ).toThrow(
      'ImageFactoryEntityProvider needs either a scheduler or a schedule',
    );
  });

  it('stops at startup on bad config, naming the key', () => {
    expect(() =>
      ImageFactoryEntityProvider.fromConfig(
        new ConfigReader({
          imageFactory: {
            providers: { executors: { builder: { concurrency: 0 } } },
          },
        }),
        { logger, schedule: runner, urlReader: noUrls },
      ),
    ).toThrow(/^imageFactory\.providers\.executors\.builder\.concurrency:/);
  });
});
