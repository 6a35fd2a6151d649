import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import {
  AuditEvent,
  BuildRun,
  ImageStageUpdateRequest,
} from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { UpdateRequestRecord, UpdateRequestStore } from '../../database';
import { StageEnteredListener } from '../gates';
import { UpdateDescription } from './describeUpdate';
import { followUpdatePullRequests } from './followUpdatePullRequests';
import { OctokitSource } from './githubCall';
import { openUpdatePullRequests } from './openUpdatePullRequests';

const SHORT = (digest: string) => digest.slice(0, 19);

function toApi(record: UpdateRequestRecord): ImageStageUpdateRequest {
  return {
    stage: record.stage,
    repository: record.repository,
    digest: record.digest,
    branch: record.branch,
    ...(record.number !== undefined && { number: record.number }),
    ...(record.url && { url: record.url }),
    state: record.state,
    ...(record.error && { error: record.error }),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** Why a run was built and what changed since the version before, for the PR body. */
function describe(run?: BuildRun, before?: BuildRun): UpdateDescription {
  if (!run) return { cause: 'unknown (no build run of the factory made it)' };
  const bases = Object.entries(run.inputs.baseDigests ?? {})
    .filter(([ref, to]) => before?.inputs.baseDigests?.[ref] !== to)
    .map(([ref, to]) => ({
      ref,
      to,
      ...(before?.inputs.baseDigests?.[ref] && {
        from: before.inputs.baseDigests[ref],
      }),
    }));
  return {
    cause: `${run.cause}${run.causeDetail ? `: ${run.causeDetail}` : ''} (run ${
      run.id
    })`,
    ...(run.inputs.sourceRevision && { revision: run.inputs.sourceRevision }),
    ...(bases.length && { bases }),
  };
}

/**
 * Pins each version that enters a stage in the repositories its `updates`
 * name (one pull request per repository), records each attempt, and
 * follows the open pull requests until they are merged or closed.
 */
export function createStageUpdater(options: {
  client: Knex;
  octokit: OctokitSource;
  runs: (imageName: string) => Promise<BuildRun[]>;
  audit: (event: Omit<AuditEvent, 'id' | 'at'>) => Promise<void>;
  onChange?: (imageName: string) => void;
  logger: LoggerService;
  clock?: () => Date;
}) {
  const store = UpdateRequestStore.create({ client: options.client });
  const now = options.clock ?? (() => new Date());

  const onStageEntered: StageEnteredListener = async ({
    image,
    stage,
    digest,
    previousDigest,
  }) => {
    if (stage.updates.length === 0) return;
    const name = image.metadata.name;
    const runs = await options.runs(name);
    const run = runs.find(r => r.indexDigest === digest);
    const before = previousDigest
      ? runs.find(r => r.indexDigest === previousDigest)
      : undefined;
    const results = await openUpdatePullRequests({
      octokit: options.octokit,
      image: {
        name,
        registry: image.spec.registry,
        repository: image.spec.repository,
      },
      stage: stage.name,
      pinned: { tag: run?.versionTag ?? stage.tag, digest },
      description: describe(run, before),
      updates: stage.updates,
      logger: options.logger,
    });
    for (const result of results) {
      if (result.status === 'unchanged') continue;
      await store.upsert(
        {
          imageName: name,
          stage: stage.name,
          repository: result.repository,
          digest,
          branch: result.branch,
          ...(result.number !== undefined && { number: result.number }),
          ...(result.url && { url: result.url }),
          state: result.status === 'failed' ? 'failed' : 'open',
          ...(result.error && { error: result.error }),
        },
        now(),
      );
      await options.audit({
        entityRef: `image:default/${name}`,
        action: 'stage-update-pull-request',
        actor: 'image-factory',
        summary:
          result.status === 'failed'
            ? `${stage.name}: pinning ${SHORT(digest)} in ${
                result.repository
              } failed: ${result.error}`
            : `${stage.name}: ${result.status} ${
                result.url ?? result.repository
              } pinning ${SHORT(digest)}`,
      });
    }
    options.onChange?.(name);
  };

  /** Reads the state of every open update pull request once. */
  const follow = async () => {
    const open = await store.listOpen();
    const states = await followUpdatePullRequests({
      octokit: options.octokit,
      records: open.map(r => ({ repository: r.repository, number: r.number! })),
    });
    for (const [i, state] of states.entries()) {
      const record = open[i];
      if (!state.state || state.state === 'open') continue;
      try {
        await store.setState(
          {
            imageName: record.imageName,
            stage: record.stage,
            repository: record.repository,
            number: record.number!,
          },
          state.state,
          now(),
        );
        options.onChange?.(record.imageName);
      } catch (e) {
        assertError(e);
        options.logger.warn(`Recording ${record.url}: ${e.message}`);
      }
    }
  };

  const list = async (imageName: string) =>
    (await store.list(imageName)).map(toApi);

  return { onStageEntered, follow, list, store };
}
