import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError, ConflictError, InputError } from '@backstage/errors';
import {
  BuildRun,
  ImageEntityV1alpha1,
  ImageStage,
  ImageStageList,
  ImageStageMove,
} from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import { StageMoveRecord, StageStore } from '../database';
import { OciRegistryClient } from '../registry';
import { moveStageTag } from './moveStageTag';

/** Attempts of one tag move before it is reported failed. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1_000;

function toApiMove(record: StageMoveRecord): ImageStageMove {
  const { imageName: _image, createdAt, finishedAt, ...rest } = record;
  return {
    ...rest,
    createdAt: createdAt.toISOString(),
    ...(finishedAt && { finishedAt: finishedAt.toISOString() }),
  };
}

/**
 * Lifecycle stages of images: what each holds, promotions of a version
 * from one stage to the next and rollbacks, each moving the stage's tag in
 * the registry. A version enters the first stage only if the factory built
 * it, and a later stage only from the stage before it.
 */
export class LifecycleService {
  constructor(
    private readonly options: {
      store: StageStore;
      registry: () => OciRegistryClient;
      /** The ledger's runs of an image, newest first. */
      runs: (imageName: string) => Promise<BuildRun[]>;
      logger: LoggerService;
      retryDelayMs?: number;
      clock?: () => Date;
    },
  ) {}

  async list(image: ImageEntityV1alpha1): Promise<ImageStageList> {
    const name = image.metadata.name;
    const states = await this.options.store.states(name);
    const stages: ImageStage[] = (image.spec.stages ?? []).map(stage => {
      const state = states.find(s => s.stage === stage);
      return {
        name: stage,
        tag: stage,
        ...(state && {
          digest: state.digest,
          ...(state.previousDigest && { previousDigest: state.previousDigest }),
          updatedAt: state.updatedAt.toISOString(),
          ...(state.updatedBy && { updatedBy: state.updatedBy }),
        }),
      };
    });
    const moves = await this.options.store.moves(name, 50);
    return { stages, moves: moves.map(toApiMove) };
  }

  /** Puts `digest` in `stage`; the stage before it must hold it. */
  async promote(
    image: ImageEntityV1alpha1,
    request: { stage: string; digest: string; by?: string; reason?: string },
  ): Promise<ImageStageMove> {
    const stages = this.stagesOf(image, request.stage);
    const index = stages.indexOf(request.stage);
    const states = await this.options.store.states(image.metadata.name);
    if (index === 0) {
      const built = (await this.options.runs(image.metadata.name)).some(
        r => r.status === 'succeeded' && r.indexDigest === request.digest,
      );
      if (!built) {
        throw new InputError(
          `digest: ${request.digest} is no version the factory built of ${image.metadata.name}`,
        );
      }
    } else {
      const before = stages[index - 1];
      const held = states.find(s => s.stage === before)?.digest;
      if (held !== request.digest) {
        throw new InputError(
          `stage: ${request.stage} takes only what ${before} holds (${
            held ?? 'nothing yet'
          }); promote ${request.digest} to ${before} first`,
        );
      }
    }
    const current = states.find(s => s.stage === request.stage)?.digest;
    if (current === request.digest) {
      throw new ConflictError(
        `stage: ${request.stage} holds ${request.digest} already`,
      );
    }
    return this.move(image, {
      ...request,
      action: 'promote',
      fromDigest: current,
    });
  }

  /** Puts the stage back on what it held before (or on `digest`, which it held once). */
  async rollback(
    image: ImageEntityV1alpha1,
    request: { stage: string; digest?: string; by?: string; reason?: string },
  ): Promise<ImageStageMove> {
    this.stagesOf(image, request.stage);
    const name = image.metadata.name;
    const state = (await this.options.store.states(name)).find(
      s => s.stage === request.stage,
    );
    const target = request.digest ?? state?.previousDigest;
    if (!state || !target) {
      throw new ConflictError(
        `stage: ${request.stage} of ${name} has no earlier version to go back to`,
      );
    }
    if (request.digest) {
      const heldOnce = (await this.options.store.moves(name, 1000)).some(
        m =>
          m.stage === request.stage &&
          m.status === 'done' &&
          m.toDigest === request.digest,
      );
      if (!heldOnce) {
        throw new InputError(
          `digest: ${request.stage} never held ${request.digest}; a rollback goes back to a version the stage held`,
        );
      }
    }
    return this.move(image, {
      stage: request.stage,
      digest: target,
      by: request.by,
      reason: request.reason,
      action: 'rollback',
      fromDigest: state.digest,
    });
  }

  /** Finishes or fails the moves a stopped backend left pending. */
  async recover(images: ImageEntityV1alpha1[]): Promise<void> {
    for (const move of await this.options.store.pending()) {
      const image = images.find(i => i.metadata.name === move.imageName);
      if (!image) {
        await this.options.store.fail(
          move.id,
          'the image is no longer in images.yaml',
          this.now(),
        );
        continue;
      }
      await this.apply(image, move);
    }
  }

  private stagesOf(image: ImageEntityV1alpha1, stage: string): string[] {
    const stages = image.spec.stages ?? [];
    if (!stages.includes(stage)) {
      throw new InputError(
        `stage: ${image.metadata.name} has no stage '${stage}'${
          stages.length
            ? ` (its stages: ${stages.join(', ')})`
            : ' (images.yaml names none)'
        }`,
      );
    }
    return stages;
  }

  private async move(
    image: ImageEntityV1alpha1,
    request: {
      stage: string;
      digest: string;
      by?: string;
      reason?: string;
      action: 'promote' | 'rollback';
      fromDigest?: string;
    },
  ): Promise<ImageStageMove> {
    const record: StageMoveRecord = {
      id: randomUUID(),
      imageName: image.metadata.name,
      stage: request.stage,
      action: request.action,
      ...(request.fromDigest && { fromDigest: request.fromDigest }),
      toDigest: request.digest,
      ...(request.by && { requestedBy: request.by }),
      ...(request.reason && { reason: request.reason }),
      status: 'pending',
      createdAt: this.now(),
    };
    await this.options.store.begin(record);
    return toApiMove(await this.apply(image, record));
  }

  /** Moves the tag (retrying), then records the move done; or failed. */
  private async apply(
    image: ImageEntityV1alpha1,
    move: StageMoveRecord,
  ): Promise<StageMoveRecord> {
    const repo = {
      registry: image.spec.registry,
      repository: image.spec.repository,
    };
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await moveStageTag(
          this.options.registry(),
          repo,
          move.stage,
          move.toDigest,
        );
        return await this.options.store.complete(move.id, this.now());
      } catch (e) {
        assertError(e);
        lastError = e;
        this.options.logger.warn(
          `Moving ${repo.registry}/${repo.repository}:${move.stage} to ${move.toDigest} failed (attempt ${attempt} of ${ATTEMPTS}): ${e.message}`,
        );
        if (attempt < ATTEMPTS) {
          await new Promise(r =>
            setTimeout(
              r,
              (this.options.retryDelayMs ?? RETRY_DELAY_MS) * attempt,
            ),
          );
        }
      }
    }
    return this.options.store.fail(
      move.id,
      `The tag ${move.stage} did not move: ${lastError?.message}`,
      this.now(),
    );
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }
}
