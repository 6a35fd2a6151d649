import type {
  ImageStage,
  ImageStageList,
  ImageStageMove,
} from '@image-factory/plugin-image-factory-common';

/** The id of the move the UI shows for a request the backend has not answered yet. */
const expectedId = (stage: string) => `expected:${stage}`;

/** The move of a stage still under way (waiting or moving the tag), newest first. */
export function openMoveOf(
  moves: ImageStageMove[],
  stage: string,
): ImageStageMove | undefined {
  return moves.find(
    m =>
      m.stage === stage && (m.status === 'waiting' || m.status === 'pending'),
  );
}

/** What a promotion into `stage` waits for under its policy, as the backend decides. */
function gateOf(stage: ImageStage): ImageStageMove['waitingFor'] {
  if (stage.promotion === 'approval') return 'approval';
  if (stage.checks?.length) return 'verification';
  return undefined;
}

/**
 * The list as it will be once a promotion or rollback has been asked: a new
 * move, waiting when the stage's policy gates promotions, else moving the
 * tag.
 */
export function expectMove(
  list: ImageStageList,
  request: {
    action: ImageStageMove['action'];
    stage: ImageStage;
    digest: string;
    reason?: string;
  },
): ImageStageList {
  const { action, stage, digest, reason } = request;
  const gate = action === 'promote' ? gateOf(stage) : undefined;
  const move: ImageStageMove = {
    id: expectedId(stage.name),
    stage: stage.name,
    action,
    fromDigest: stage.digest,
    toDigest: digest,
    reason,
    status: gate ? 'waiting' : 'pending',
    waitingFor: gate,
    trigger: 'user',
    createdAt: new Date().toISOString(),
  };
  return { ...list, moves: [move, ...list.moves] };
}

/** The list as it will be once a waiting move has been approved or rejected. */
export function expectDecision(
  list: ImageStageList,
  moveId: string,
  decision: 'approve' | 'reject',
  reason?: string,
): ImageStageList {
  return {
    ...list,
    moves: list.moves.map(m =>
      m.id === moveId
        ? {
            ...m,
            status: decision === 'approve' ? 'pending' : 'rejected',
            waitingFor: undefined,
            decisionReason: reason,
          }
        : m,
    ),
  };
}

/**
 * The list with the backend's answer to a request: the move takes the place
 * of the expected one (or of its earlier state), and a done move puts its
 * digest in the stage.
 */
export function withMove(
  list: ImageStageList,
  move: ImageStageMove,
): ImageStageList {
  const at = list.moves.findIndex(
    m => m.id === move.id || m.id === expectedId(move.stage),
  );
  const moves =
    at >= 0
      ? list.moves.map((m, i) => (i === at ? move : m))
      : [move, ...list.moves];
  const stages =
    move.status === 'done'
      ? list.stages.map(s =>
          s.name === move.stage
            ? {
                ...s,
                previousDigest: s.digest,
                digest: move.toDigest,
                updatedAt: move.finishedAt ?? s.updatedAt,
                updatedBy: move.decidedBy ?? move.requestedBy,
              }
            : s,
        )
      : list.stages;
  return { stages, moves };
}
