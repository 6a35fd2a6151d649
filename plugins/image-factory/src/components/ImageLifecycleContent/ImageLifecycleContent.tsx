import { useState } from 'react';
import { Box, Button, Grid } from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ImageEntityV1alpha1,
  ImageStage,
  ImageStageMove,
  imageFactoryPromotePermission,
} from '@image-factory/plugin-image-factory-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { imageFactoryApiRef } from '../../api';
import { isImageFactoryImage } from '../../predicates';
import { backendMessage } from '../ChangeRequestResult';
import { shortDigest, when } from '../ImageBuildsContent/format';
import { PermittedAction } from '../PermittedAction';
import { DigestChoice, MoveDialog } from './MoveDialog';
import { MovesTable } from './MovesTable';
import { StageColumn } from './StageColumn';

/** Which dialog is open: a build into the first stage, a promotion from the previous stage, or a rollback. */
type Asking =
  | { kind: 'build'; stage: ImageStage }
  | { kind: 'promote'; stage: ImageStage; from: ImageStage }
  | { kind: 'rollback'; stage: ImageStage };

/** What the last move left to say: a refused request or a failed tag move. */
type Outcome = { title: string; message: string } | undefined;

function Lifecycle(props: { image: ImageEntityV1alpha1 }) {
  const { image } = props;
  const api = useApi(imageFactoryApiRef);
  const name = image.metadata.name;
  const entityRef = stringifyEntityRef(image);
  const repository = `${image.spec.registry}/${image.spec.repository}`;
  const [asking, setAsking] = useState<Asking>();
  const [outcome, setOutcome] = useState<Outcome>();

  const state = useAsyncRetry(() => api.listImageStages(name), [api, name]);
  // The first stage takes only versions the factory built: succeeded runs' index digests.
  const builds = useAsyncRetry(async () => {
    const { items } = await api.listBuilds(name, { limit: 50 });
    const seen = new Set<string>();
    return items.flatMap((run): DigestChoice[] => {
      if (run.status !== 'succeeded' || !run.indexDigest) return [];
      if (seen.has(run.indexDigest)) return [];
      seen.add(run.indexDigest);
      const tag = run.versionTag ? ` ${run.versionTag}` : '';
      return [
        {
          digest: run.indexDigest,
          label: `${shortDigest(run.indexDigest)}${tag} (${when(
            run.finishedAt ?? run.createdAt,
          )})`,
        },
      ];
    });
  }, [api, name]);

  const move = async (
    action: string,
    run: () => Promise<ImageStageMove>,
  ): Promise<void> => {
    try {
      const done = await run();
      setOutcome(
        done.status === 'failed'
          ? {
              title: `The ${action} failed`,
              message: done.error ?? 'The registry did not move the tag.',
            }
          : undefined,
      );
    } catch (e) {
      setOutcome({
        title: `The ${action} was refused`,
        message: backendMessage(e as Error),
      });
    }
    setAsking(undefined);
    state.retry();
  };

  if (state.error && !state.value) {
    return (
      <ResponseErrorPanel
        error={state.error}
        title="Could not load the stages"
      />
    );
  }
  if (!state.value) {
    return <Progress />;
  }
  const { stages, moves } = state.value;
  if (stages.length === 0) {
    return (
      <EmptyState
        missing="field"
        title="This image has no stages"
        description="Declare them on the image's entry in images.yaml, e.g. `stages: [dev, staging, prod]`; each stage gets a tag in the registry that promotions and rollbacks move."
      />
    );
  }

  const guarded = (label: string, enabled: boolean, onClick: () => void) => (
    <PermittedAction
      key={label}
      permission={imageFactoryPromotePermission}
      resourceRef={entityRef}
    >
      {allowed => (
        <Button
          size="small"
          variant="outlined"
          color="primary"
          disabled={!allowed || !enabled}
          onClick={onClick}
        >
          {label}
        </Button>
      )}
    </PermittedAction>
  );

  return (
    <Grid container spacing={3}>
      {outcome && (
        <Grid item xs={12}>
          <WarningPanel
            severity="error"
            defaultExpanded
            title={outcome.title}
            message={outcome.message}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Lifecycle"
          subheader="Each stage holds one digest; a version enters the first from a build and moves right one stage at a time"
        >
          <Box display="flex" gridGap={16} overflow="auto">
            {stages.map((stage, i) => {
              const from = i > 0 ? stages[i - 1] : undefined;
              return (
                <StageColumn
                  key={stage.name}
                  stage={stage}
                  repository={repository}
                >
                  {from
                    ? guarded(
                        `Promote from ${from.name}`,
                        !!from.digest && from.digest !== stage.digest,
                        () => setAsking({ kind: 'promote', stage, from }),
                      )
                    : guarded('Promote a build', true, () =>
                        setAsking({ kind: 'build', stage }),
                      )}
                  {guarded('Roll back', !!stage.previousDigest, () =>
                    setAsking({ kind: 'rollback', stage }),
                  )}
                </StageColumn>
              );
            })}
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <MovesTable moves={moves} />
      </Grid>
      {asking?.kind === 'build' && (
        <MoveDialog
          title={`Promote a build to ${asking.stage.name}`}
          description={
            builds.error
              ? `Could not list the builds: ${backendMessage(builds.error)}`
              : `Moves the :${asking.stage.tag} tag to the version chosen.`
          }
          submitLabel="Promote"
          choices={builds.value ?? []}
          onClose={() => setAsking(undefined)}
          onSubmit={({ digest, reason }) =>
            move('promotion', () =>
              api.promoteImageStage(name, asking.stage.name, {
                digest: digest!,
                reason,
              }),
            )
          }
        />
      )}
      {asking?.kind === 'promote' && (
        <MoveDialog
          title={`Promote ${asking.stage.name} from ${asking.from.name}`}
          description={`Moves the :${asking.stage.tag} tag to ${shortDigest(
            asking.from.digest!,
          )}, what ${asking.from.name} holds.`}
          submitLabel="Promote"
          onClose={() => setAsking(undefined)}
          onSubmit={({ reason }) =>
            move('promotion', () =>
              api.promoteImageStage(name, asking.stage.name, {
                digest: asking.from.digest!,
                reason,
              }),
            )
          }
        />
      )}
      {asking?.kind === 'rollback' && (
        <MoveDialog
          title={`Roll back ${asking.stage.name}`}
          description={`Moves the :${
            asking.stage.tag
          } tag back to ${shortDigest(
            asking.stage.previousDigest!,
          )}, what it held before.`}
          submitLabel="Roll back"
          onClose={() => setAsking(undefined)}
          onSubmit={({ reason }) =>
            move('rollback', () =>
              api.rollbackImageStage(name, asking.stage.name, {
                digest: asking.stage.previousDigest,
                reason,
              }),
            )
          }
        />
      )}
    </Grid>
  );
}

/**
 * The Lifecycle tab of an Image entity with stages: the stages as columns,
 * left to right, each with the digest it holds, and buttons to promote a
 * build into the first, promote from the stage before, and roll back; then
 * every move. Moves need `image-factory.stage.promote` on the image.
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
