import { Box, Button, Chip, Typography } from '@material-ui/core';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import {
  InfoCard,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  imageFactoryRefineryRunPermission,
  WheelSet,
  WheelSetList,
} from '@image-factory/plugin-image-factory-common';

/**
 * The wheel sets of wheels.yaml, each with a Run button (for users who
 * hold `image-factory.refinery.run`), and every problem of the file.
 */
export function WheelSetsCard(props: {
  sets: WheelSetList;
  starting?: string;
  onRun: (set: string) => void;
}) {
  const { sets, starting, onRun } = props;
  const { loading, allowed } = usePermission({
    permission: imageFactoryRefineryRunPermission,
  });
  const columns: TableColumn<WheelSet>[] = [
    { title: 'Set', field: 'name', highlight: true },
    { title: 'Owner', field: 'owner' },
    {
      title: 'Requirements',
      render: set =>
        set.requirements?.length
          ? set.requirements.join(', ')
          : set.requirementsFile ?? '',
    },
    {
      title: 'Targets',
      render: set => (
        <Box display="flex" flexWrap="wrap" gridGap={4}>
          {set.targets.flatMap(t =>
            t.platforms.map(p => (
              <Chip
                key={`${t.python} ${p}`}
                size="small"
                label={`${t.python} · ${p}`}
              />
            )),
          )}
        </Box>
      ),
    },
    // An image of images.yaml the factory builds, or a configured builder's name.
    { title: 'Builder', field: 'builder' },
    { title: 'Upstream', field: 'upstream' },
    {
      title: '',
      render: set => {
        const button = (
          <Button
            size="small"
            variant="outlined"
            color="primary"
            startIcon={<PlayArrowIcon />}
            disabled={loading || !allowed || starting === set.name}
            onClick={() => onRun(set.name)}
            aria-label={`Run ${set.name}`}
          >
            Run
          </Button>
        );
        return !loading && !allowed ? (
          <span
            title={`You need the permission ${imageFactoryRefineryRunPermission.name}`}
          >
            {button}
          </span>
        ) : (
          button
        );
      },
    },
  ];
  return (
    <InfoCard
      title="Wheel sets"
      subheader={sets.location ? `From ${sets.location}` : undefined}
      noPadding
    >
      {sets.issues.length > 0 && (
        <Box p={2}>
          <WarningPanel
            severity="error"
            title={`${sets.issues.length} problem${
              sets.issues.length === 1 ? '' : 's'
            } in wheels.yaml: those sets are left out`}
          >
            {sets.issues.map(issue => (
              <Typography
                key={`${issue.path} ${issue.message}`}
                variant="body2"
              >
                {issue.text}
              </Typography>
            ))}
          </WarningPanel>
        </Box>
      )}
      <Table
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={sets.sets}
        localization={{
          body: { emptyDataSourceMessage: 'No valid wheel set in wheels.yaml' },
        }}
      />
    </InfoCard>
  );
}
