import { DatabaseService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { BuildEvents } from '../../builds/BuildEvents';
import { BuildService } from '../../builds';
import { imageEntity } from '../../builds/__testUtils__/imageEntity';
import { Knex } from 'knex';
import {
  DatabaseBuildLogStore,
  DatabaseBuildStore,
  DatabaseBuildTriggerStore,
  DatabaseDigestStore,
  DatabaseRebuildPlanStore,
  migrateDatabase,
} from '../../database';
import { OciRegistryClient } from '../../registry';
import { DependencyGraph, DigestWatcher } from '../../tracking';
import { BuildTriggers } from '../BuildTriggers';
import { RebuildPlanner, RebuildPlannerOptions } from '../RebuildPlanner';
import { RebuildQueue } from '../types';

/** An image of a test, with the references it is built FROM. */
export interface HarnessImage {
  name: string;
  /** `repository:tag` in the test registry. */
  publishes: string;
  /** Full references of its bases. */
  bases: string[];
  /** Those of `bases` a stage with its own FROM --platform uses ($BUILDPLATFORM). */
  fixedPlatformBases?: string[];
  platforms?: string[];
  rebuild?: ImageEntityV1alpha1['spec']['rebuild'];
  buildArgs?: Record<string, string>;
  /** Default managed. */
  type?: 'managed' | 'base';
}

/**
 * The planner on a real database, a real build queue (BuildService on the
 * build store) and real digest tracking against a real registry; the graph is
 * given by the test (Dockerfile analysis is the graph service's job), and
 * builds are finished by the test instead of an executor.
 */
export async function createPlannerHarness(options: {
  databases: TestDatabases;
  registryHost: string;
  images: HarnessImage[];
  start: Date;
  maxWaitMs?: number;
  maxDepth?: number;
  /** Default SQLite. */
  databaseId?: TestDatabaseId;
  /** The database of an earlier harness, as a restarted backend finds it. */
  knex?: Knex;
  /** Plans the builds images.yaml asks for too (first sight, config change, schedule). */
  triggers?: { automaticBuilds?: boolean; defaultScheduleMs?: number | null };
}) {
  const knex =
    options.knex ??
    (await options.databases.init(options.databaseId ?? 'SQLITE_3'));
  const database: DatabaseService = { getClient: async () => knex };
  await migrateDatabase(database);
  const clock = { now: options.start };
  const now = () => clock.now;
  const digests = DatabaseDigestStore.create({ client: knex });
  const builds = DatabaseBuildStore.create({ client: knex });
  const plans = DatabaseRebuildPlanStore.create({ client: knex });
  const entities = options.images.map(i => {
    const [repository, tag] = i.publishes.split(':');
    const entity = imageEntity({
      name: i.name,
      registry: options.registryHost,
      repository,
      tag,
      platforms: i.platforms ?? ['linux/amd64'],
      source: {
        repo: `acme/${i.name}`,
        dockerfile: 'Dockerfile',
        context: '.',
      },
      buildArgs: i.buildArgs,
      type: i.type,
    });
    if (i.rebuild) entity.spec.rebuild = i.rebuild;
    return entity;
  });
  const basesByRef = new Map(
    options.images.map((i, n) => [stringifyEntityRef(entities[n]), i.bases]),
  );
  const service = new BuildService({
    store: builds,
    logs: DatabaseBuildLogStore.create({ client: knex }),
    events: new BuildEvents(),
    images: () => entities,
    clock: now,
  });
  const queued: Array<{ image: string; cause: string; detail?: string }> = [];
  const watcher = DigestWatcher.create({
    store: digests,
    registry: OciRegistryClient.create({ clock: now }),
    logger: mockServices.logger.mock(),
    clock: now,
    intervalMs: 60_000,
    jitter: 0,
  });
  const graph = DependencyGraph.build(
    entities.map(e => ({
      entityRef: stringifyEntityRef(e),
      reference: e.spec.reference,
      bases: basesByRef.get(stringifyEntityRef(e))!,
    })),
  );
  const queue: RebuildQueue = {
    async start(request) {
      queued.push({
        image: request.image.metadata.name,
        cause: request.cause,
        detail: request.causeDetail,
      });
      return service.start(request);
    },
  };
  const plannerGraph = async () => ({
    graph,
    basesOf: (entityRef: string) => basesByRef.get(entityRef) ?? [],
    fixedPlatformBasesOf: (entityRef: string) =>
      options.images[
        entities.findIndex(e => stringifyEntityRef(e) === entityRef)
      ]?.fixedPlatformBases ?? [],
  });
  // The images whose last builds each pass reads: what a pass plans.
  const lastBuildReads: string[][] = [];
  const plannerBuilds: RebuildPlannerOptions['builds'] = {
    get: id => builds.get(id),
    latestOf: (names, limit) => builds.latestOf(names, limit),
    changedSince: since => builds.changedSince(since),
    lastSucceededOf: names => {
      lastBuildReads.push([...names].sort());
      return builds.lastSucceededOf(names);
    },
  };
  const newPlanner = () =>
    new RebuildPlanner({
      // A new list per read, as images.yaml gives: a test may change an
      // entity in place, as a new images.yaml would.
      images: () => [...entities],
      graph: plannerGraph,
      digests,
      builds: plannerBuilds,
      plans,
      queue,
      logger: mockServices.logger.mock(),
      maxWaitMs: options.maxWaitMs ?? 30 * 60_000,
      maxDepth: options.maxDepth ?? 10,
      clock: now,
      triggers:
        options.triggers &&
        new BuildTriggers({
          store: DatabaseBuildTriggerStore.create({ client: knex }),
          builds,
          automaticBuilds: options.triggers.automaticBuilds ?? true,
          defaultScheduleMs: options.triggers.defaultScheduleMs ?? null,
          logger: mockServices.logger.mock(),
        }),
    });
  const planner = newPlanner();

  /** Moves the clock by `ms` and checks every watched reference. */
  const observe = async (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
    const watched = [...new Set(options.images.flatMap(i => i.bases))].filter(
      b => !options.images.some(i => b.endsWith(`/${i.publishes}`)),
    );
    await watcher.setWatched(watched);
    return watcher.runDue();
  };

  /**
   * Ends a run as an executor would: `succeeded` with the base digests it
   * used, or failed (without them when it failed before resolving its bases).
   */
  const finish = async (
    runId: string,
    outcome: 'succeeded' | 'failed' = 'succeeded',
    { recordBases = true }: { recordBases?: boolean } = {},
  ) => {
    const run = (await builds.get(runId))!;
    const image = options.images.find(i => i.name === run.imageName)!;
    const baseDigests: Record<string, string> = {};
    for (const base of recordBases ? image.bases : []) {
      const current = await digests.getCurrent(base);
      if (current) baseDigests[base] = current.digest.digest;
    }
    const claimed = await builds.claim({
      owner: 'test',
      leaseMs: 60_000,
      now: clock.now,
    });
    expect(claimed?.id).toBe(runId);
    await builds.setInputs({
      id: runId,
      owner: 'test',
      inputs: { platforms: run.inputs.platforms, baseDigests },
      inputsHash: `sha256:${runId}`,
      reference: run.entityRef,
    });
    await builds.finish({
      id: runId,
      owner: 'test',
      now: clock.now,
      end:
        outcome === 'succeeded'
          ? {
              status: 'succeeded',
              indexDigest: `sha256:${'0'.repeat(56)}${runId.slice(0, 8)}`,
            }
          : {
              status: 'failed',
              reason: 'build-failed: exit code 1',
              errorType: 'build-failed',
            },
    });
  };

  /** Builds the image now (a manual run), as its last successful build. */
  const buildNow = async (name: string) => {
    const entity = entities.find(e => e.metadata.name === name)!;
    const { run } = await service.start({ image: entity, cause: 'manual' });
    await finish(run.id);
    return run.id;
  };

  const advance = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };

  return {
    knex,
    clock,
    advance,
    newPlanner,
    lastBuildReads,
    observe,
    finish,
    buildNow,
    planner,
    plannerGraph,
    queue,
    now,
    plans,
    builds,
    queued,
    entities,
  };
}
