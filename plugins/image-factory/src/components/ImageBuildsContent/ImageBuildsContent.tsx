import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  BuildRun,
  imageFactoryBuildPermission,
  isImageEntity,
} from '@image-factory/plugin-image-factory-common';
import { isImageFactoryBuiltImage } from '../../predicates';
import { useCancelBuild } from '../../hooks/useBuildActions';
import { useBuildLog } from '../../hooks/useBuildLog';
import { useBuildRun } from '../../hooks/useBuildRun';
import { isActiveRun, useBuildRuns } from '../../hooks/useBuildRuns';
import { PermittedAction } from '../PermittedAction';
import { BuildError } from './BuildError';
import { BuildLogViewer } from './BuildLogViewer';
import { BuildNowForm } from './BuildNowForm';
import { BuildRunDetails } from './BuildRunDetails';
import { BuildRunsTable } from './BuildRunsTable';
import { BuildStatusChip } from './BuildStatusChip';
import { freshestRun } from './freshestRun';
import { when } from './format';

const DEFAULT_REFRESH_INTERVAL_MS = 5000;

function SelectedRun(props: {
  run: BuildRun;
  onChange: () => void;
  /** Told each state the run is seen in, for the "Build now" status. */
  onSeen: (run: BuildRun) => void;
}) {
  const { onChange, onSeen } = props;
  // A run that had finished already needs no new list when its log ends.
  const [wasActive] = useState(() => isActiveRun(props.run));
  const log = useBuildLog(props.run.id, wasActive ? onChange : undefined);
  const cancel = useCancelBuild();
  const cancelled =
    cancel.value?.id === props.run.id ? cancel.value : undefined;
  const run = freshestRun(log.run, cancelled, props.run)!;
  const active = isActiveRun(run);
  useEffect(() => onSeen(run), [run, onSeen]);

  const onCancel = async () => {
    const result = await cancel.cancel(run.id);
    if (!(result instanceof Error)) {
      onChange();
    }
  };

  return (
    <>
      <Grid item xs={12}>
        <InfoCard
          title={
            <Box display="flex" alignItems="center" gridGap={12}>
              Run of {when(run.createdAt)}{' '}
              <BuildStatusChip status={run.status} />
            </Box>
          }
          subheader={`${run.id}${
            run.attempts > 1 ? ` · attempt ${run.attempts}` : ''
          }`}
          action={
            active && (
              <PermittedAction
                permission={imageFactoryBuildPermission}
                resourceRef={run.entityRef}
              >
                {allowed => (
                  <Button
                    variant="outlined"
                    color="secondary"
                    onClick={onCancel}
                    disabled={cancel.loading || !allowed}
                  >
                    {cancel.loading ? 'Cancelling…' : 'Cancel run'}
                  </Button>
                )}
              </PermittedAction>
            )
          }
        >
          {cancel.error && !cancel.loading && (
            <Box mb={2}>
              <BuildError error={cancel.error} action="cancel" />
            </Box>
          )}
          {run.reason && (
            <Box mb={2}>
              <Typography
                variant="body2"
                color={run.status === 'failed' ? 'error' : 'textSecondary'}
              >
                {run.reason}
              </Typography>
            </Box>
          )}
          <BuildRunDetails run={run} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Log">
          <BuildLogViewer
            lines={log.lines}
            platforms={run.inputs.platforms}
            live={!log.ended && !log.error}
            error={log.error}
          />
        </InfoCard>
      </Grid>
    </>
  );
}

function ImageBuilds(props: {
  imageName: string;
  entityRef: string;
  refreshIntervalMs: number;
}) {
  const { imageName, entityRef, refreshIntervalMs } = props;
  const [refreshKey, setRefreshKey] = useState(0);
  const refresh = () => setRefreshKey(k => k + 1);
  const { runs, error } = useBuildRuns(imageName, {
    refreshIntervalMs,
    refreshKey,
  });
  // `?run=<id>` (the link on an ImageBuild page) opens that run.
  const [searchParams] = useSearchParams();
  const [selectedId, setSelectedId] = useState<string | undefined>(
    () => searchParams.get('run') ?? undefined,
  );
  // The run "Build now" returned, until the list has it.
  const [started, setStarted] = useState<BuildRun>();
  // The latest state the selected run's live log showed.
  const [seen, setSeen] = useState<BuildRun>();
  const onSeen = useCallback(
    (run: BuildRun) =>
      // The same state again changes nothing, so the page does not render again.
      setSeen(prev =>
        prev?.id === run.id &&
        prev.status === run.status &&
        prev.attempts === run.attempts
          ? prev
          : run,
      ),
    [],
  );

  const id = selectedId ?? runs?.[0]?.id;
  const listed = runs?.find(r => r.id === id);
  // A linked run older than the list is read on its own.
  const { run: linked } = useBuildRun(
    runs && !listed && started?.id !== id ? id : undefined,
  );
  const selected =
    listed ??
    (started?.id === id ? started : undefined) ??
    (linked?.id === id ? linked : undefined);

  let list;
  if (error && !runs) {
    list = (
      <ResponseErrorPanel error={error} title="Could not load the build runs" />
    );
  } else if (!runs) {
    list = <Progress />;
  } else if (runs.length === 0) {
    list = (
      <EmptyState
        missing="data"
        title="No builds yet"
        description={`${imageName} has not been built by the factory yet. Press "Build now" to build it.`}
      />
    );
  } else {
    list = (
      <BuildRunsTable
        runs={runs}
        selectedId={id}
        onSelect={run => setSelectedId(run.id)}
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Build now"
          subheader="Builds every platform, pushes them and joins them in an image index"
        >
          <BuildNowForm
            imageName={imageName}
            entityRef={entityRef}
            current={
              started &&
              freshestRun(
                seen?.id === started.id ? seen : undefined,
                runs?.find(r => r.id === started.id),
                started,
              )
            }
            onStarted={run => {
              setStarted(run);
              setSelectedId(run.id);
              refresh();
            }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {list}
      </Grid>
      {selected && (
        <SelectedRun
          key={selected.id}
          run={selected}
          onChange={refresh}
          onSeen={onSeen}
        />
      )}
    </Grid>
  );
}

/**
 * The Builds tab of an Image entity: "Build now", the image's runs, and the
 * selected run's inputs, platforms and live log.
 */
export function ImageBuildsContent(props: { refreshIntervalMs?: number }) {
  const { entity } = useEntity();
  if (!isImageEntity(entity)) {
    return (
      <WarningPanel
        title="Not an image"
        message="This tab shows the builds of entities of kind Image."
      />
    );
  }
  // Through `Entity`, so that the type of `entity` stays ImageEntityV1alpha1 below.
  if (!isImageFactoryBuiltImage(entity as Entity)) {
    return (
      <EmptyState
        missing="info"
        title="The factory does not build this image"
        description={`${entity.metadata.name} is ${
          entity.spec.type === 'external' ? 'an' : 'a'
        } ${
          entity.spec.type
        } image without a source: the factory watches its digest and builds the images FROM it, not the image itself.`}
      />
    );
  }
  return (
    <ImageBuilds
      imageName={entity.metadata.name}
      entityRef={stringifyEntityRef(entity)}
      refreshIntervalMs={props.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS}
    />
  );
}
