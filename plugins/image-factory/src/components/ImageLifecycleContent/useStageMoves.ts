import { useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type {
  ImageStage,
  ImageStageList,
  ImageStageMove,
} from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { useImageStages } from '../../hooks/useImageStages';
import { backendMessage } from '../ChangeRequestResult';
import { expectDecision, expectMove, withMove } from './expectedMoves';

/** What the last request left to say: a refusal or a failed tag move. */
export interface StageOutcome {
  title: string;
  message: string;
}

type Change = (list: ImageStageList) => ImageStageList;

/**
 * An image's stages with the requests on them (promote, roll back, approve,
 * reject), shown optimistically: each request shows its expected result at
 * once, then the backend's answer, then the list as reloaded. Any answer
 * from the server newer than what was expected replaces it. `busy` names
 * the stages with a request in flight.
 */
export function useStageMoves(name: string) {
  const api = useApi(imageFactoryApiRef);
  const state = useImageStages(name);
  // An expectation holds only over the server answer it was made on.
  const [expected, setExpected] = useState<{
    basis?: ImageStageList;
    list: ImageStageList;
  }>();
  const [busy, setBusy] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<StageOutcome>();
  const shown =
    expected && expected.basis === state.value ? expected.list : state.value;
  const latest = useRef({ value: state.value, shown });
  latest.current = { value: state.value, shown };

  const expect = (change: Change) => {
    const { value, shown: now } = latest.current;
    if (now) setExpected({ basis: value, list: change(now) });
  };

  const run = async (request: {
    stage: string;
    label: string;
    expected: Change;
    call: () => Promise<ImageStageMove>;
  }) => {
    const { stage, label } = request;
    setBusy(b => [...b, stage]);
    setOutcome(undefined);
    expect(request.expected);
    try {
      const move = await request.call();
      expect(list => withMove(list, move));
      if (move.status === 'failed') {
        setOutcome({
          title: `The ${label} failed`,
          message: move.error ?? 'The registry did not move the tag.',
        });
      }
    } catch (e) {
      setExpected(undefined);
      setOutcome({
        title: `The ${label} was refused`,
        message: backendMessage(e as Error),
      });
    } finally {
      setBusy(b => b.filter(s => s !== stage));
      state.reload();
    }
  };

  const promote = (stage: ImageStage, digest: string, reason?: string) =>
    run({
      stage: stage.name,
      label: 'promotion',
      expected: list =>
        expectMove(list, { action: 'promote', stage, digest, reason }),
      call: () => api.promoteImageStage(name, stage.name, { digest, reason }),
    });

  const rollback = (stage: ImageStage, digest: string, reason?: string) =>
    run({
      stage: stage.name,
      label: 'rollback',
      expected: list =>
        expectMove(list, { action: 'rollback', stage, digest, reason }),
      call: () => api.rollbackImageStage(name, stage.name, { digest, reason }),
    });

  const decide = (
    move: ImageStageMove,
    decision: 'approve' | 'reject',
    reason?: string,
  ) =>
    run({
      stage: move.stage,
      label: decision === 'approve' ? 'approval' : 'rejection',
      expected: list => expectDecision(list, move.id, decision, reason),
      call: () =>
        decision === 'approve'
          ? api.approveStageMove(name, move.stage, move.id, { reason })
          : api.rejectStageMove(name, move.stage, move.id, { reason }),
    });

  return {
    value: shown,
    error: state.error,
    busy,
    outcome,
    promote,
    rollback,
    decide,
  };
}
