import { useState } from 'react';
import { Box, Button, Chip, Grid } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import {
  Content,
  ContentHeader,
  Header,
  LinkButton,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  imageFactoryWheelSetEnrollPermission,
  RefineryQueueState,
  WheelSet,
  WheelSetList,
} from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { useRefinery } from '../../hooks/useRefinery';
import { rootRouteRef } from '../../routes';
import { backendMessage } from '../ChangeRequestResult';
import {
  EnrollWheelSetDialog,
  UnenrollWheelSetDialog,
} from '../EnrollWheelSetDialog';
import { PendingEnrollmentsCard } from '../PendingEnrollmentsCard';
import { RefineryRunDetail } from './RefineryRunDetail';
import { RefineryRunsCard } from './RefineryRunsCard';
import { RefineryWheelsCard } from './RefineryWheelsCard';
import { WheelSetsCard } from './WheelSetsCard';

function QueueChips(props: { queue: RefineryQueueState }) {
  const { queue } = props;
  return (
    <Box display="flex" gridGap={8} aria-label="Refinery queue">
      <Chip size="small" label={`queued ${queue.queued}`} />
      <Chip size="small" label={`running ${queue.running}`} />
      <Chip size="small" label={`waiting for a round ${queue.waiting}`} />
      <Chip size="small" label={`planning ${queue.planning}`} />
    </Box>
  );
}

/** The builder and upstream most sets use: where a new set likely starts. */
function commonDefaults(sets: WheelSetList | Error | undefined) {
  if (!sets || sets instanceof Error || sets.sets.length === 0) return {};
  const mostCommon = (values: string[]) =>
    [...values].sort(
      (a, b) =>
        values.filter(v => v === b).length - values.filter(v => v === a).length,
    )[0];
  return {
    builder: mostCommon(sets.sets.map(s => s.builder)),
    upstream: mostCommon(sets.sets.map(s => s.upstream)),
  };
}

/** The change-request dialog open on the page, if any. */
type SetDialog =
  | { kind: 'enroll' }
  | { kind: 'change'; set: WheelSet }
  | { kind: 'unenroll'; set: WheelSet };

/**
 * The wheel refinery: the wheel sets of wheels.yaml with Run, Change and
 * Un-enroll buttons (the last two open pull requests, listed under Change
 * requests), the queue, the runs (progress, failures by cause), the chosen
 * run's plan and builds with their logs, and the wheels the index serves.
 * Follows active runs as they plan and build.
 */
export function RefineryPage() {
  const statusLink = useRouteRef(rootRouteRef);
  const api = useApi(imageFactoryApiRef);
  const alerts = useApi(alertApiRef);
  const [selected, setSelected] = useState<string>();
  const [starting, setStarting] = useState<string>();
  const { value, error, reload } = useRefinery(selected);
  const [dialog, setDialog] = useState<SetDialog>();
  // Each opened pull request changes the key, so Change requests shows it.
  const [opened, setOpened] = useState(0);
  const closeDialog = () => setDialog(undefined);
  const onOpened = () => setOpened(n => n + 1);
  const builderPlatforms =
    value?.sets instanceof Error ? undefined : value?.sets.builderPlatforms;
  const enrollPermission = usePermission({
    permission: imageFactoryWheelSetEnrollPermission,
  });

  const run = async (set: string) => {
    setStarting(set);
    try {
      const started = await api.startRefineryRun(set);
      setSelected(started.id);
      alerts.post({
        message: `Run of ${set} queued`,
        severity: 'success',
        display: 'transient',
      });
      reload();
    } catch (e) {
      alerts.post({
        message: `Could not run ${set}: ${backendMessage(e as Error)}`,
        severity: 'error',
      });
    } finally {
      setStarting(undefined);
    }
  };

  let body;
  if (error && !value) {
    body = (
      <ResponseErrorPanel error={error} title="Could not load the refinery" />
    );
  } else if (!value) {
    body = <Progress />;
  } else {
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          {value.sets instanceof Error ? (
            <WarningPanel
              title="No wheel sets"
              message={backendMessage(value.sets)}
            />
          ) : (
            <WheelSetsCard
              sets={value.sets}
              starting={starting}
              onRun={run}
              onChange={set => setDialog({ kind: 'change', set })}
              onUnenroll={set => setDialog({ kind: 'unenroll', set })}
              enrollPermission={enrollPermission}
            />
          )}
        </Grid>
        <Grid item xs={12}>
          <PendingEnrollmentsCard subject="wheel-set" refreshKey={opened} />
        </Grid>
        <Grid item xs={12}>
          <RefineryRunsCard
            runs={value.runs}
            selected={value.run?.id}
            onSelect={setSelected}
          />
        </Grid>
        {value.run && (
          <Grid item xs={12}>
            <RefineryRunDetail run={value.run} />
          </Grid>
        )}
        <Grid item xs={12}>
          <RefineryWheelsCard wheels={value.wheels} />
        </Grid>
      </Grid>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Image Factory"
        subtitle="Wheel refinery: Python wheels built from source for every platform"
      />
      <Content>
        <ContentHeader title="Refinery">
          <Box display="flex" gridGap={8} alignItems="center">
            {value && <QueueChips queue={value.queue} />}
            <span
              title={
                !enrollPermission.loading && !enrollPermission.allowed
                  ? `You need the permission ${imageFactoryWheelSetEnrollPermission.name}`
                  : undefined
              }
            >
              <Button
                variant="contained"
                color="primary"
                startIcon={<AddIcon />}
                disabled={enrollPermission.loading || !enrollPermission.allowed}
                onClick={() => setDialog({ kind: 'enroll' })}
              >
                Enroll wheel set
              </Button>
            </span>
            <LinkButton to={statusLink()} variant="outlined">
              Factory status
            </LinkButton>
          </Box>
        </ContentHeader>
        {body}
        {/* Mounted only while open, so that each opening starts afresh. */}
        {dialog?.kind === 'enroll' && (
          <EnrollWheelSetDialog
            open
            defaults={commonDefaults(value?.sets)}
            platforms={builderPlatforms}
            onClose={closeDialog}
            onOpened={onOpened}
          />
        )}
        {dialog?.kind === 'change' && (
          <EnrollWheelSetDialog
            open
            mode="change"
            set={dialog.set}
            platforms={builderPlatforms}
            onClose={closeDialog}
            onOpened={onOpened}
          />
        )}
        {dialog?.kind === 'unenroll' && (
          <UnenrollWheelSetDialog
            open
            set={dialog.set}
            onClose={closeDialog}
            onOpened={onOpened}
          />
        )}
      </Content>
    </Page>
  );
}
