import { mockServices } from '@backstage/backend-test-utils';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  DatabaseBuildLogStore,
  DatabaseBuildStore,
  migrateDatabase,
} from '../../database';
import { BuildLog } from '../BuildLog';
import { RegistryCredentialSource } from '../RegistryCredentialSource';
import { RunRegistryAccess } from '../RunRegistryAccess';
import { ActiveRun } from '../steps/activeRun';

const OWNER = 'test-backend';

/**
 * A run as the worker hands it to the steps, on a real database: queued for
 * `image`, claimed by `test-backend`, with its log in the database and the
 * registry reached with `credentials` (none: anonymous).
 */
export async function testRun(options: {
  knex: Knex;
  image: ImageEntityV1alpha1;
  credentials?: { host: string; username: string; password: string };
  platforms?: string[];
  signal?: AbortSignal;
  parallelPlatforms?: number;
}): Promise<{
  run: ActiveRun;
  store: DatabaseBuildStore;
  /** The run's log lines so far (flushed first). */
  lines(): Promise<string[]>;
  /** Run ids told of a change, in order. */
  changes: string[];
}> {
  const { knex, image } = options;
  await migrateDatabase({ getClient: async () => knex });
  const store = DatabaseBuildStore.create({ client: knex });
  const logs = DatabaseBuildLogStore.create({ client: knex });
  const { run: queued } = await store.enqueue({
    id: randomUUID(),
    imageName: image.metadata.name,
    entityRef: `image:default/${image.metadata.name}`,
    cause: 'manual',
    force: false,
    inputs: { platforms: options.platforms ?? image.spec.platforms },
    createdAt: new Date(),
  });
  const record = (await store.claim({
    owner: OWNER,
    leaseMs: 60_000,
    now: new Date(),
  }))!;
  expect(record.id).toBe(queued.id);
  const secrets = new Set<string>();
  const log = await BuildLog.open({
    runId: record.id,
    store: logs,
    logger: mockServices.logger.mock(),
    redact: text => text,
    onWritten: () => {},
    clock: () => new Date(),
  });
  const ctx = {
    owner: OWNER,
    signal: options.signal ?? new AbortController().signal,
    log,
    secrets,
  };
  const configured = new Map<string, { username: string; password: string }>();
  if (options.credentials) {
    const { host, username, password } = options.credentials;
    configured.set(host, { username, password });
  }
  const changes: string[] = [];
  const run: ActiveRun = {
    record,
    image,
    ctx,
    registry: new RunRegistryAccess(
      new RegistryCredentialSource({ providers: [], configured }),
      ctx,
    ),
    deps: {
      store,
      config: {
        parallelPlatforms: options.parallelPlatforms ?? 2,
        retries: 0,
        retryBackoffMs: 10,
        buildTimeoutMs: 60_000,
        pushTimeoutMs: 60_000,
        retentionKeep: 5,
      },
      clock: () => new Date(),
      onChange: id => changes.push(id),
    },
  };
  return {
    run,
    store,
    changes,
    lines: async () => {
      await log.flush();
      return (await logs.read(record.id, { after: 0, limit: 1000 })).map(
        l => l.text,
      );
    },
  };
}
