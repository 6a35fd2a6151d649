import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  assertError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuditEvent,
  BuildRun,
  ImageEntityV1alpha1,
  ImageStage,
  ImageStageList,
  ImageStageMove,
  ImageStageUpdateRequest,
  ImageStageVerification,
} from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import { StageMoveRecord, StageStore } from '../database';
import { OciRegistryClient } from '../registry';
import { autoPromotions } from './autoPromotions';
import { StageEnteredListener, StageVerifier } from './gates';
import { moveStageTag } from './moveStageTag';
import { StagePolicy, stagePolicies } from './stagePolicies';

/** Attempts of one tag move before it is reported failed. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1_000;
const SHORT = (digest: string) => digest.slice(0, 19);

function toApiMove(record: StageMoveRecord): ImageStageMove {
  const {
    imageName: _image,
    createdAt,
    finishedAt,
    decidedAt,
    ...rest
  } = record;
  return {
    ...rest,
    createdAt: createdAt.toISOString(),
    ...(finishedAt && { finishedAt: finishedAt.toISOString() }),
    ...(decidedAt && { decidedAt: decidedAt.toISOString() }),
  };
}

/** Who acts, as the routes know them. */
export interface StageActor {
  /** Entity ref of the user (or service). */
  ref?: string;
  /** The user and the groups they belong to (ownership entity refs). */
  ownership?: string[];
}

/**
 * Lifecycle stages of images: what each holds, promotions of a version
 * from one stage to the next through the stage's gates (verification of
 * the exact digest, then an approval), rollbacks, and the promotions the
 * `auto` stages ask for. Every move ends by moving the stage's tag in the
 * registry (a manifest PUT of the existing digest), or is reported failed.
 */
export class LifecycleService {
  constructor(
    private readonly options: {
      store: StageStore;
      registry: () => OciRegistryClient;
      /** The ledger's runs of an image, newest first. */
      runs: (imageName: string) => Promise<BuildRun[]>;
      logger: LoggerService;
      verifier?: StageVerifier;
      /** An image's last verifications, newest first. */
      verifications?: (imageName: string) => Promise<ImageStageVerification[]>;
      /** An image's update pull requests. */
      updateRequests?: (
        imageName: string,
      ) => Promise<ImageStageUpdateRequest[]>;
      onStageEntered?: StageEnteredListener;
      /** Told whenever a stage or a move of the image changed. */
      onChange?: (imageName: string) => void;
      audit?: (event: AuditEvent) => Promise<void>;
      /** Told of every ended move, with the run that built its digest. */
      onMoveEnded?: (move: StageMoveRecord, run?: BuildRun) => void;
      retryDelayMs?: number;
      clock?: () => Date;
    },
  ) {}

  async list(image: ImageEntityV1alpha1): Promise<ImageStageList> {
    const name = image.metadata.name;
    const states = await this.options.store.states(name);
    const stages: ImageStage[] = stagePolicies(image).map(policy => {
      const state = states.find(s => s.stage === policy.name);
      const given = image.spec.stagePolicies?.find(p => p.name === policy.name);
      return {
        name: policy.name,
        tag: policy.tag,
        promotion: policy.promotion,
        ...(policy.approvers.length && { approvers: policy.approvers }),
        ...(given?.soak && { soak: given.soak }),
        ...(policy.verify.length && { checks: policy.verify.map(c => c.name) }),
        ...(policy.updates.length && { updates: policy.updates }),
        ...(state && {
          digest: state.digest,
          ...(state.previousDigest && { previousDigest: state.previousDigest }),
          updatedAt: state.updatedAt.toISOString(),
          ...(state.updatedBy && { updatedBy: state.updatedBy }),
        }),
      };
    });
    const moves = await this.options.store.moves(name, 50);
    const verifications = await this.options.verifications?.(name);
    const updateRequests = await this.options.updateRequests?.(name);
    return {
      stages,
      moves: moves.map(toApiMove),
      ...(verifications && { verifications }),
      ...(updateRequests && { updateRequests }),
    };
  }

  /**
   * Puts `digest` in `stage` through its gates; the stage before it must
   * hold it (the first stage takes what the factory built). Answers once
   * the tag moved, or with the move waiting for a gate, or failed.
   */
  async promote(
    image: ImageEntityV1alpha1,
    request: {
      stage: string;
      digest: string;
      by?: string;
      reason?: string;
      trigger?: 'user' | 'auto';
      /** The build's cause, when known (an emergency build skips soak). */
      run?: BuildRun;
    },
  ): Promise<ImageStageMove> {
    const policy = this.stageOf(image, request.stage);
    const stages = stagePolicies(image);
    const states = await this.options.store.states(image.metadata.name);
    let reason = request.reason;
    if (policy.index === 0) {
      const built = (await this.options.runs(image.metadata.name)).some(
        r => r.status === 'succeeded' && r.indexDigest === request.digest,
      );
      if (!built) {
        throw new InputError(
          `digest: ${request.digest} is no version the factory built of ${image.metadata.name}`,
        );
      }
    } else {
      const before = stages[policy.index - 1];
      const held = states.find(s => s.stage === before.name);
      if (held?.digest !== request.digest) {
        throw new InputError(
          `stage: ${request.stage} takes only what ${before.name} holds (${
            held?.digest ?? 'nothing yet'
          }); promote ${request.digest} to ${before.name} first`,
        );
      }
      const soakedAt = new Date(held.updatedAt.getTime() + policy.soakMs);
      if (soakedAt > this.now()) {
        const run =
          request.run ??
          (await this.options.runs(image.metadata.name)).find(
            r => r.indexDigest === request.digest,
          );
        if (run?.cause !== 'emergency') {
          throw new ConflictError(
            `soak: ${request.stage} takes a version after ${
              image.spec.stagePolicies?.find(p => p.name === policy.name)?.soak
            } in ${before.name}; ${SHORT(request.digest)} entered ${
              before.name
            } at ${held.updatedAt.toISOString()} and may move on at ${soakedAt.toISOString()}`,
          );
        }
        reason = `${reason ? `${reason}; ` : ''}soak skipped: emergency build ${
          run.id
        }`;
        await this.audit(image, {
          action: 'stage-soak-skipped',
          actor: request.by ?? 'image-factory',
          summary: `${request.stage}: soak skipped for ${SHORT(
            request.digest,
          )}, built by emergency run ${run.id}`,
          runIds: [run.id],
        });
      }
    }
    const current = states.find(s => s.stage === request.stage)?.digest;
    if (current === request.digest) {
      throw new ConflictError(
        `stage: ${request.stage} holds ${request.digest} already`,
      );
    }
    const verified =
      policy.verify.length && this.options.verifier
        ? await this.options.verifier.passed(image, policy, request.digest)
        : undefined;
    const firstGate = this.gateAfter(policy, {
      verified: !policy.verify.length || Boolean(verified),
    });
    const record: StageMoveRecord = {
      id: randomUUID(),
      imageName: image.metadata.name,
      stage: request.stage,
      action: 'promote',
      ...(current && { fromDigest: current }),
      toDigest: request.digest,
      ...(request.by && { requestedBy: request.by }),
      ...(reason && { reason }),
      status: firstGate ? 'waiting' : 'pending',
      ...(firstGate && { waitingFor: firstGate }),
      trigger: request.trigger ?? 'user',
      ...(verified && { verificationId: verified }),
      createdAt: this.now(),
    };
    await this.options.store.begin(record);
    this.changed(image);
    if (firstGate === 'verification') {
      return toApiMove(await this.verify(image, policy, record));
    }
    if (firstGate === 'approval') return toApiMove(record);
    return toApiMove(await this.apply(image, record));
  }

  /** An approver lets a promotion waiting for approval go on. */
  async approve(
    image: ImageEntityV1alpha1,
    request: { stage: string; moveId: string; reason?: string },
    actor: StageActor,
  ): Promise<ImageStageMove> {
    const { policy, move, by } = await this.decide(image, request, actor);
    if (!(await this.options.store.advance(move.id, {}))) {
      throw new ConflictError(`move ${move.id} was decided meanwhile`);
    }
    await this.audit(image, {
      action: 'stage-approved',
      actor: by,
      justification: request.reason,
      summary: `approved ${SHORT(move.toDigest)} into ${
        policy.name
      } (asked by ${move.requestedBy ?? 'the stage policy'})`,
    });
    return toApiMove(
      await this.apply(image, await this.options.store.move(move.id)),
    );
  }

  /** An approver turns a promotion waiting for approval down. */
  async reject(
    image: ImageEntityV1alpha1,
    request: { stage: string; moveId: string; reason?: string },
    actor: StageActor,
  ): Promise<ImageStageMove> {
    const { policy, move, by } = await this.decide(image, request, actor);
    const ended = await this.options.store.fail(
      move.id,
      `Rejected by ${by}${request.reason ? `: ${request.reason}` : ''}`,
      this.now(),
      'rejected',
    );
    await this.ended(ended);
    await this.audit(image, {
      action: 'stage-rejected',
      actor: by,
      justification: request.reason,
      summary: `rejected ${SHORT(move.toDigest)} for ${policy.name}`,
    });
    this.changed(image);
    return toApiMove(ended);
  }

  /** Puts the stage back on what it held before (or on `digest`, which it held once). */
  async rollback(
    image: ImageEntityV1alpha1,
    request: { stage: string; digest?: string; by?: string; reason?: string },
  ): Promise<ImageStageMove> {
    this.stageOf(image, request.stage);
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
    const record: StageMoveRecord = {
      id: randomUUID(),
      imageName: name,
      stage: request.stage,
      action: 'rollback',
      fromDigest: state.digest,
      toDigest: target,
      ...(request.by && { requestedBy: request.by }),
      ...(request.reason && { reason: request.reason }),
      status: 'pending',
      trigger: 'user',
      createdAt: this.now(),
    };
    await this.options.store.begin(record);
    this.changed(image);
    return toApiMove(await this.apply(image, record));
  }

  /**
   * Starts the promotions the image's `auto` stages ask for; each failure
   * is recorded on its move and logged, never thrown.
   */
  async reconcile(image: ImageEntityV1alpha1): Promise<void> {
    const stages = stagePolicies(image);
    if (!stages.some(s => s.promotion === 'auto')) return;
    const name = image.metadata.name;
    const wanted = autoPromotions({
      stages,
      states: await this.options.store.states(name),
      runs: await this.options.runs(name),
      moves: await this.options.store.moves(name, 200),
      now: this.now(),
    });
    for (const promotion of wanted) {
      try {
        await this.promote(image, {
          stage: promotion.stage,
          digest: promotion.digest,
          reason: promotion.reason,
          trigger: 'auto',
          run: promotion.run,
        });
      } catch (e) {
        assertError(e);
        // A concurrent pass or request started it first.
        if (e.name === 'ConflictError') continue;
        this.options.logger.warn(
          `Auto-promotion of ${name} into ${promotion.stage} failed: ${e.message}`,
        );
      }
    }
  }

  /**
   * After a restart: finishes (or fails) the moves left pending, and runs
   * again the verifications that moves were waiting for, unless a live
   * backend runs them. With `interrupted`, only the moves whose
   * verification is one of these (a stopped replica's, taken over).
   */
  async recover(
    images: ImageEntityV1alpha1[],
    interrupted?: ReadonlySet<string>,
  ): Promise<void> {
    const { store } = this.options;
    const find = (name: string) => images.find(i => i.metadata.name === name);
    for (const move of [
      ...(interrupted ? [] : await store.pending()),
      ...(await store.waiting()),
    ]) {
      if (
        interrupted &&
        !(move.verificationId && interrupted.has(move.verificationId))
      ) {
        continue;
      }
      const image = find(move.imageName);
      if (!image) {
        await store.fail(
          move.id,
          'the image is no longer in images.yaml',
          this.now(),
        );
        continue;
      }
      if (move.status === 'pending') {
        await this.apply(image, move);
      } else if (move.waitingFor === 'verification') {
        // Another replica runs its verification: the move is left to it.
        if (
          move.verificationId &&
          (await this.options.verifier?.isLive?.(move.verificationId))
        ) {
          continue;
        }
        const policy = stagePolicies(image).find(s => s.name === move.stage);
        if (!policy) {
          await store.fail(
            move.id,
            `stage ${move.stage} is no longer in images.yaml`,
            this.now(),
          );
        } else {
          await this.verify(image, policy, move);
        }
      }
    }
  }

  /** The stage's policy; an InputError naming the image's stages for an unknown one. */
  stageOf(image: ImageEntityV1alpha1, stage: string): StagePolicy {
    const stages = stagePolicies(image);
    const policy = stages.find(s => s.name === stage);
    if (!policy) {
      throw new InputError(
        `stage: ${image.metadata.name} has no stage '${stage}'${
          stages.length
            ? ` (its stages: ${stages.map(s => s.name).join(', ')})`
            : ' (images.yaml names none)'
        }`,
      );
    }
    return policy;
  }

  /** The gate a move waits for next, if any. */
  private gateAfter(
    policy: StagePolicy,
    passed: { verified: boolean },
  ): 'verification' | 'approval' | undefined {
    if (!passed.verified) return 'verification';
    return policy.promotion === 'approval' ? 'approval' : undefined;
  }

  /**
   * Checks that the actor may decide the move waiting for approval, and
   * records who decides it and why.
   */
  private async decide(
    image: ImageEntityV1alpha1,
    request: { stage: string; moveId: string; reason?: string },
    actor: StageActor,
  ): Promise<{ policy: StagePolicy; move: StageMoveRecord; by: string }> {
    const policy = this.stageOf(image, request.stage);
    const move = await this.options.store
      .move(request.moveId)
      .catch(() => undefined);
    if (
      !move ||
      move.imageName !== image.metadata.name ||
      move.stage !== request.stage
    ) {
      throw new NotFoundError(
        `No move ${request.moveId} of ${image.metadata.name} into ${request.stage}`,
      );
    }
    if (move.status !== 'waiting' || move.waitingFor !== 'approval') {
      throw new ConflictError(
        `move ${move.id} is not waiting for approval (it is ${
          move.waitingFor ? `waiting for ${move.waitingFor}` : move.status
        })`,
      );
    }
    if (move.requestedBy && move.requestedBy === actor.ref) {
      throw new NotAllowedError(
        `You asked for this promotion into ${policy.name}; another approver must decide it`,
      );
    }
    const mayApprove =
      !policy.approvers.length ||
      policy.approvers.some(group =>
        (actor.ownership ?? []).includes(
          group.startsWith('group:') ? group : `group:${group}`,
        ),
      );
    if (!mayApprove) {
      throw new NotAllowedError(
        `Only members of ${policy.approvers.join(
          ', ',
        )} approve promotions into ${policy.name}`,
      );
    }
    const by = actor.ref ?? 'unknown';
    await this.options.store.decide(move.id, {
      by,
      reason: request.reason,
      at: this.now(),
    });
    return { policy, move, by };
  }

  /** Runs the stage's checks for the move's digest; the move goes on or fails. */
  private async verify(
    image: ImageEntityV1alpha1,
    policy: StagePolicy,
    move: StageMoveRecord,
  ): Promise<StageMoveRecord> {
    const verifier = this.options.verifier;
    if (!verifier) {
      return this.end(
        image,
        move,
        'no verifier is configured to run the checks',
      );
    }
    let started: Awaited<ReturnType<StageVerifier['start']>>;
    try {
      started = await verifier.start({
        image,
        stage: policy,
        digest: move.toDigest,
        requestedBy: move.requestedBy,
      });
    } catch (e) {
      assertError(e);
      return this.end(image, move, `Verification did not start: ${e.message}`);
    }
    await this.options.store.advance(move.id, {
      waitingFor: 'verification',
      verificationId: started.id,
    });
    this.changed(image);
    void started.outcome
      .then(async outcome => {
        await this.audit(image, {
          action: 'stage-verification',
          actor: 'image-factory',
          summary: `${policy.name}: verification ${started.id} of ${SHORT(
            move.toDigest,
          )} ${outcome.passed ? 'passed' : 'failed'}: ${outcome.summary}`,
        });
        if (!outcome.passed) {
          await this.end(
            image,
            move,
            `Verification failed: ${outcome.summary}`,
          );
          return;
        }
        const next = this.gateAfter(policy, { verified: true });
        if (
          !(await this.options.store.advance(move.id, { waitingFor: next }))
        ) {
          return;
        }
        this.changed(image);
        if (!next)
          await this.apply(image, await this.options.store.move(move.id));
      })
      .catch(e =>
        this.options.logger.error(
          `Verification of ${image.metadata.name} for ${policy.name} ended badly: ${e}`,
        ),
      );
    return this.options.store.move(move.id);
  }

  private async end(
    image: ImageEntityV1alpha1,
    move: StageMoveRecord,
    error: string,
  ): Promise<StageMoveRecord> {
    const ended = await this.options.store.fail(move.id, error, this.now());
    await this.ended(ended);
    await this.audit(image, {
      action: 'stage-move-failed',
      actor: move.requestedBy ?? 'image-factory',
      summary: `${move.stage}: ${move.action} of ${SHORT(
        move.toDigest,
      )} failed: ${error}`,
    });
    this.changed(image);
    return ended;
  }

  /** Moves the tag (retrying), then records the move done; or failed. */
  private async apply(
    image: ImageEntityV1alpha1,
    move: StageMoveRecord,
  ): Promise<StageMoveRecord> {
    const policy = stagePolicies(image).find(s => s.name === move.stage);
    const tag = policy?.tag ?? move.stage;
    const repo = {
      registry: image.spec.registry,
      repository: image.spec.repository,
    };
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await moveStageTag(this.options.registry(), repo, tag, move.toDigest);
        const done = await this.options.store.complete(move.id, this.now());
        await this.entered(image, policy, done);
        return done;
      } catch (e) {
        assertError(e);
        lastError = e;
        this.options.logger.warn(
          `Moving ${repo.registry}/${repo.repository}:${tag} to ${move.toDigest} failed (attempt ${attempt} of ${ATTEMPTS}): ${e.message}`,
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
    return this.end(
      image,
      move,
      `The tag ${tag} did not move: ${lastError?.message}`,
    );
  }

  /** A version entered a stage: audit, listeners, and the next auto stage. */
  private async entered(
    image: ImageEntityV1alpha1,
    policy: StagePolicy | undefined,
    move: StageMoveRecord,
  ): Promise<void> {
    await this.audit(image, {
      action:
        move.action === 'rollback' ? 'stage-rolled-back' : 'stage-promoted',
      actor: move.requestedBy ?? 'image-factory',
      ...(move.reason && { justification: move.reason }),
      summary: `${move.stage} ${
        move.action === 'rollback' ? 'rolled back' : 'promoted'
      } to ${SHORT(move.toDigest)}${
        move.fromDigest ? ` (from ${SHORT(move.fromDigest)})` : ''
      }`,
    });
    this.changed(image);
    if (policy && this.options.onStageEntered) {
      void this.options
        .onStageEntered({
          image,
          stage: policy,
          digest: move.toDigest,
          previousDigest: move.fromDigest,
        })
        .catch(e =>
          this.options.logger.error(
            `After ${image.metadata.name} entered ${move.stage}: ${e}`,
          ),
        );
    }
    // The next stage may be `auto`; a rollback never pulls others along.
    if (move.action === 'promote') {
      void this.reconcile(image).catch(e =>
        this.options.logger.error(
          `Auto-promotion of ${image.metadata.name}: ${e}`,
        ),
      );
    }
  }

  private async audit(
    image: ImageEntityV1alpha1,
    event: Omit<AuditEvent, 'id' | 'entityRef' | 'at'>,
  ): Promise<void> {
    if (!this.options.audit) return;
    try {
      await this.options.audit({
        id: randomUUID(),
        entityRef: stringifyEntityRef(image),
        at: this.now().toISOString(),
        ...event,
      });
    } catch (e) {
      // The move happened; a lost audit line is logged, not thrown.
      this.options.logger.error(`Audit of ${image.metadata.name} failed: ${e}`);
    }
  }

  /** Tells the metrics of an ended move, with the run that built it. */
  private async ended(move: StageMoveRecord): Promise<void> {
    if (!this.options.onMoveEnded) return;
    try {
      const run = (await this.options.runs(move.imageName)).find(
        r => r.indexDigest === move.toDigest,
      );
      this.options.onMoveEnded(move, run);
    } catch (e) {
      this.options.logger.warn(`Metrics of move ${move.id}: ${e}`);
    }
  }

  private changed(image: ImageEntityV1alpha1): void {
    this.options.onChange?.(image.metadata.name);
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }
}
