import type {
  DecideStageMoveRequest,
  ImageStage,
  ImageStageList,
  ImageStageMove,
  LifecycleOverview,
  PromoteStageRequest,
  RollbackStageRequest,
} from '@image-factory/plugin-image-factory-common';

/** What a stage call does instead of its default. */
export type StageResult = { failed: string } | Error | 'pending';

/** A stage request as the backend would receive it. */
export interface RecordedStageRequest {
  action: ImageStageMove['action'] | 'approve' | 'reject';
  name: string;
  stage: string;
  /** The move decided (approve and reject). */
  moveId?: string;
  body: unknown;
}

function settle<T>(result: T | Error | 'pending'): Promise<T> {
  if (result === 'pending') return new Promise(() => {});
  if (result instanceof Error) return Promise.reject(result);
  return Promise.resolve(JSON.parse(JSON.stringify(result)));
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

// Like the backend: an approval stage waits for an approver, a stage with checks for them.
function gateOf(stage: ImageStage): ImageStageMove['waitingFor'] {
  if (stage.promotion === 'approval') return 'approval';
  if (stage.checks?.length) return 'verification';
  return undefined;
}

/**
 * The lifecycle part of the in-memory API: each image's stages and moves,
 * promotions and rollbacks that move a stage at once (or wait, as the
 * stage's policy says), approvals and rejections by someone other than the
 * promoter, and the factory-wide overview. `results` scripts the next
 * calls: a failed tag move, a rejection, or a call that never settles.
 */
export class InMemoryImageStages {
  /** Each image's stages and moves, by image name (none: no stages). */
  lists: Record<string, ImageStageList> = {};
  /** Every write, in order. */
  readonly requests: RecordedStageRequest[] = [];
  /** Consumed one per write, before the default behaviour. */
  results: StageResult[] = [];
  /** The image of each `list` call, in order. */
  readonly listCalls: string[] = [];
  /** What `overview` answers, before the owner filter. */
  overview: LifecycleOverview | Error = { items: [], staleAfter: '7d' };
  /** The owner of each `overview` call, in order. */
  readonly overviewCalls: Array<string | undefined> = [];
  /** Who the signed-in user is: the promoter of their own moves. */
  user = 'user:default/guest';

  list(name: string): Promise<ImageStageList> {
    this.listCalls.push(name);
    return settle(this.lists[name] ?? { stages: [], moves: [] });
  }

  promote(
    name: string,
    stage: string,
    request: PromoteStageRequest,
  ): Promise<ImageStageMove> {
    return this.move('promote', name, stage, request, () => request.digest);
  }

  rollback(
    name: string,
    stage: string,
    request: RollbackStageRequest,
  ): Promise<ImageStageMove> {
    return this.move(
      'rollback',
      name,
      stage,
      request,
      held => request.digest ?? held.previousDigest,
    );
  }

  approve(
    name: string,
    stage: string,
    moveId: string,
    request: DecideStageMoveRequest,
  ): Promise<ImageStageMove> {
    return this.decide('approve', name, stage, moveId, request);
  }

  reject(
    name: string,
    stage: string,
    moveId: string,
    request: DecideStageMoveRequest,
  ): Promise<ImageStageMove> {
    return this.decide('reject', name, stage, moveId, request);
  }

  getOverview(options: { owner?: string }): Promise<LifecycleOverview> {
    this.overviewCalls.push(options.owner);
    if (this.overview instanceof Error || !options.owner) {
      return settle(this.overview);
    }
    return settle({
      ...this.overview,
      items: this.overview.items.filter(i => i.owner === options.owner),
    });
  }

  /** Stores what a move did to its stage, as the backend does once the tag moved. */
  private enter(name: string, move: ImageStageMove) {
    const held = this.lists[name]?.stages.find(s => s.name === move.stage);
    if (held) {
      Object.assign(held, {
        previousDigest: held.digest,
        digest: move.toDigest,
        updatedAt: move.finishedAt,
        updatedBy: move.decidedBy ?? move.requestedBy,
      });
    }
  }

  private move(
    action: ImageStageMove['action'],
    name: string,
    stage: string,
    body: PromoteStageRequest | RollbackStageRequest,
    target: (held: ImageStage) => string | undefined,
  ): Promise<ImageStageMove> {
    this.requests.push(copy({ action, name, stage, body }));
    const result = this.results.shift();
    if (result instanceof Error || result === 'pending') {
      return settle<ImageStageMove>(result);
    }
    const list = (this.lists[name] ??= { stages: [], moves: [] });
    const held = list.stages.find(s => s.name === stage);
    const toDigest = held && target(held);
    if (!held || !toDigest) {
      return settle<ImageStageMove>(new Error(`Unknown stage '${stage}'`));
    }
    const now = new Date().toISOString();
    const gate = action === 'promote' ? gateOf(held) : undefined;
    const status = gate ? 'waiting' : 'done';
    const move: ImageStageMove = {
      id: `move-${list.moves.length + 1}`,
      stage,
      action,
      fromDigest: held.digest,
      toDigest,
      requestedBy: this.user,
      reason: body.reason,
      status: result ? 'failed' : status,
      waitingFor: result ? undefined : gate,
      trigger: 'user',
      error: result?.failed,
      createdAt: now,
      finishedAt: gate ? undefined : now,
    };
    list.moves.unshift(move);
    if (move.status === 'done') this.enter(name, move);
    return settle(move);
  }

  private decide(
    action: 'approve' | 'reject',
    name: string,
    stage: string,
    moveId: string,
    body: DecideStageMoveRequest,
  ): Promise<ImageStageMove> {
    this.requests.push(copy({ action, name, stage, moveId, body }));
    const result = this.results.shift();
    if (result instanceof Error || result === 'pending') {
      return settle<ImageStageMove>(result);
    }
    const move = this.lists[name]?.moves.find(m => m.id === moveId);
    if (!move || move.stage !== stage) {
      return settle<ImageStageMove>(
        new Error(`No move '${moveId}' of stage '${stage}'`),
      );
    }
    if (move.status !== 'waiting' || move.waitingFor !== 'approval') {
      return settle<ImageStageMove>(
        new Error(`Move '${moveId}' is not waiting for approval`),
      );
    }
    if (move.requestedBy === this.user) {
      return settle<ImageStageMove>(
        new Error(`${this.user} may not approve a promotion they asked for`),
      );
    }
    const now = new Date().toISOString();
    let status: ImageStageMove['status'] = 'rejected';
    if (action === 'approve') status = result ? 'failed' : 'done';
    Object.assign(move, {
      status,
      waitingFor: undefined,
      decidedBy: this.user,
      decisionReason: body.reason,
      decidedAt: now,
      error: result?.failed,
      finishedAt: now,
    });
    if (status === 'done') this.enter(name, move);
    return settle(move);
  }
}
