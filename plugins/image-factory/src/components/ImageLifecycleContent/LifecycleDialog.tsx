import type {
  ImageStage,
  ImageStageMove,
} from '@image-factory/plugin-image-factory-common';
import { backendMessage } from '../ChangeRequestResult';
import { shortDigest } from '../ImageBuildsContent/format';
import { DigestChoice, MoveDialog } from './MoveDialog';
import type { useStageMoves } from './useStageMoves';

/** Which dialog is open, and on what. */
export type Asking =
  | { kind: 'build'; stage: ImageStage }
  | { kind: 'promote'; stage: ImageStage; from: ImageStage }
  | { kind: 'rollback'; stage: ImageStage }
  | { kind: 'approve' | 'reject'; stage: ImageStage; move: ImageStageMove };

type Props = {
  asking: Asking;
  /** The builds the first stage may take, for `build`. */
  builds: { value?: DigestChoice[]; error?: Error };
  moves: Pick<
    ReturnType<typeof useStageMoves>,
    'promote' | 'rollback' | 'decide'
  >;
  onClose(): void;
};

function by(move: ImageStageMove): string {
  const who = move.trigger === 'auto' ? 'the stage policy' : move.requestedBy;
  const why = move.reason ? ` (${move.reason})` : '';
  return who ? `, asked by ${who}${why}` : why;
}

/**
 * The dialog of the button pressed, asking for a reason (and, for the first
 * stage, a build). Submitting closes it at once: the request's expected
 * result shows on the stage while it is in flight.
 */
export function LifecycleDialog(props: Props) {
  const { asking, builds, moves, onClose } = props;
  const { stage } = asking;
  const submitted = (action: () => Promise<void>) => {
    onClose();
    action();
    return Promise.resolve();
  };

  switch (asking.kind) {
    case 'build':
      return (
        <MoveDialog
          title={`Promote a build to ${stage.name}`}
          description={
            builds.error
              ? `Could not list the builds: ${backendMessage(builds.error)}`
              : `Moves the :${stage.tag} tag to the version chosen.`
          }
          submitLabel="Promote"
          choices={builds.value ?? []}
          onClose={onClose}
          onSubmit={({ digest, reason }) =>
            submitted(() => moves.promote(stage, digest!, reason))
          }
        />
      );
    case 'promote':
      return (
        <MoveDialog
          title={`Promote ${stage.name} from ${asking.from.name}`}
          description={`Moves the :${stage.tag} tag to ${shortDigest(
            asking.from.digest!,
          )}, what ${asking.from.name} holds.`}
          submitLabel="Promote"
          onClose={onClose}
          onSubmit={({ reason }) =>
            submitted(() => moves.promote(stage, asking.from.digest!, reason))
          }
        />
      );
    case 'rollback':
      return (
        <MoveDialog
          title={`Roll back ${stage.name}`}
          description={`Moves the :${stage.tag} tag back to ${shortDigest(
            stage.previousDigest!,
          )}, what it held before.`}
          submitLabel="Roll back"
          onClose={onClose}
          onSubmit={({ reason }) =>
            submitted(() =>
              moves.rollback(stage, stage.previousDigest!, reason),
            )
          }
        />
      );
    case 'approve':
      return (
        <MoveDialog
          title={`Approve the promotion to ${stage.name}`}
          description={`Moves the :${stage.tag} tag to ${shortDigest(
            asking.move.toDigest,
          )}${by(asking.move)}.`}
          submitLabel="Approve"
          onClose={onClose}
          onSubmit={({ reason }) =>
            submitted(() => moves.decide(asking.move, 'approve', reason))
          }
        />
      );
    default:
      return (
        <MoveDialog
          title={`Reject the promotion to ${stage.name}`}
          description={`${stage.name} keeps ${
            stage.digest ? shortDigest(stage.digest) : 'nothing'
          } instead of ${shortDigest(asking.move.toDigest)}${by(asking.move)}.`}
          submitLabel="Reject"
          onClose={onClose}
          onSubmit={({ reason }) =>
            submitted(() => moves.decide(asking.move, 'reject', reason))
          }
        />
      );
  }
}
