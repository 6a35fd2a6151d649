import { useState } from 'react';
import { Box, Grid } from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ImageEntityV1alpha1,
  ImageStage,
  ImageStageMove,
  imageFactoryApprovePermission,
  imageFactoryPromotePermission,
  stageResourceRef,
} from '@image-factory/plugin-image-factory-common';
import { isImageFactoryImage } from '../../predicates';
import { openMoveOf } from './expectedMoves';
import { GuardedButton } from './GuardedButton';
import { Asking, LifecycleDialog } from './LifecycleDialog';
import { MovesTable } from './MovesTable';
import { StageColumn } from './StageColumn';
import { UpdateRequestsTable } from './UpdateRequestsTable';
import { useBuildChoices } from './useBuildChoices';
import { useStageMoves } from './useStageMoves';
import { VerificationsTable } from './VerificationsTable';
import { WaitingMove } from './WaitingMove';

function Lifecycle(props: { image: ImageEntityV1alpha1 }) {
  const { image } = props;
  const name = image.metadata.name;
  const entityRef = stringifyEntityRef(image);
  const repository = `${image.spec.registry}/${image.spec.repository}`;
  const [asking, setAsking] = useState<Asking>();
  const moves = useStageMoves(name);
  const builds = useBuildChoices(name);

  if (moves.error && !moves.value) {
    return (
      <ResponseErrorPanel
        error={moves.error}
        title="Could not load the stages"
      />
    );
  }
  if (!moves.value) {
    return <Progress />;
  }
  const { stages } = moves.value;
  if (stages.length === 0) {
    return (
      <EmptyState
        missing="field"
        title="This image has no stages"
        description="Declare them on the image's entry in images.yaml, e.g. `stages: [dev, staging, prod]`; each stage gets a tag in the registry that promotions and rollbacks move."
      />
    );
  }

  const column = (stage: ImageStage, from?: ImageStage) => {
    const resourceRef = stageResourceRef(entityRef, stage.name);
    const idle = !moves.busy.includes(stage.name);
    const open = openMoveOf(moves.value!.moves, stage.name);
    const decide = (move: ImageStageMove) =>
      (['approve', 'reject'] as const).map(kind => (
        <GuardedButton
          key={kind}
          label={kind === 'approve' ? 'Approve' : 'Reject'}
          permission={imageFactoryApprovePermission}
          resourceRef={resourceRef}
          enabled={idle}
          onClick={() => setAsking({ kind, stage, move })}
        />
      ));
    // The backend takes one move of a stage at a time (409 otherwise).
    const blockedBy = open
      ? `${stage.name} is being moved already (${
          open.status === 'waiting'
            ? `waiting for ${open.waitingFor ?? 'a gate'}`
            : open.status
        }); decide or wait for that move first`
      : undefined;
    const waitsForApproval =
      open?.status === 'waiting' && open.waitingFor === 'approval';
    return (
      <StageColumn
        key={stage.name}
        stage={stage}
        repository={repository}
        underWay={
          open && (
            <WaitingMove move={open} tag={stage.tag}>
              {waitsForApproval && decide(open)}
            </WaitingMove>
          )
        }
      >
        {from ? (
          <GuardedButton
            label={`Promote from ${from.name}`}
            permission={imageFactoryPromotePermission}
            resourceRef={resourceRef}
            enabled={idle && !!from.digest && from.digest !== stage.digest}
            blockedBy={blockedBy}
            onClick={() => setAsking({ kind: 'promote', stage, from })}
          />
        ) : (
          <GuardedButton
            label="Promote a build"
            permission={imageFactoryPromotePermission}
            resourceRef={resourceRef}
            enabled={idle}
            blockedBy={blockedBy}
            onClick={() => setAsking({ kind: 'build', stage })}
          />
        )}
        <GuardedButton
          label="Roll back"
          permission={imageFactoryPromotePermission}
          resourceRef={resourceRef}
          enabled={idle && !!stage.previousDigest}
          blockedBy={blockedBy}
          onClick={() => setAsking({ kind: 'rollback', stage })}
        />
      </StageColumn>
    );
  };

  return (
    <Grid container spacing={3}>
      {moves.outcome && (
        <Grid item xs={12}>
          <WarningPanel
            severity="error"
            defaultExpanded
            title={moves.outcome.title}
            message={moves.outcome.message}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Lifecycle"
          subheader="Each stage holds one digest; a version enters the first from a build and moves right one stage at a time, as each stage's policy allows"
        >
          <Box display="flex" gridGap={16} overflow="auto">
            {stages.map((stage, i) => column(stage, stages[i - 1]))}
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <MovesTable moves={moves.value.moves} />
      </Grid>
      {(moves.value.updateRequests ?? []).length > 0 && (
        <Grid item xs={12}>
          <UpdateRequestsTable requests={moves.value.updateRequests!} />
        </Grid>
      )}
      {stages.some(s => (s.checks ?? []).length > 0) && (
        <Grid item xs={12}>
          <VerificationsTable
            image={name}
            verifications={moves.value.verifications ?? []}
          />
        </Grid>
      )}
      {asking && (
        <LifecycleDialog
          asking={asking}
          builds={builds}
          moves={moves}
          onClose={() => setAsking(undefined)}
        />
      )}
    </Grid>
  );
}

/**
 * The Lifecycle tab of an Image entity with stages: the stages as columns,
 * left to right, each with its policy, the digest it holds, buttons to
 * promote a build into the first, promote from the stage before and roll
 * back, and the move under way into it (waiting for verification, or for an
 * approval with Approve and Reject); then every move. Moves need
 * `image-factory.stage.promote`, decisions `image-factory.stage.approve`,
 * on the stage. Requests show their expected result at once, and the tab
 * reloads when the backend signals a change.
 */
export function ImageLifecycleContent() {
  const { entity } = useEntity();
  if (!isImageFactoryImage(entity)) {
    return (
      <WarningPanel
        title="Not an image"
        message="This tab shows the lifecycle stages of entities of kind Image."
      />
    );
  }
  return <Lifecycle key={entity.metadata.name} image={entity} />;
}
