import { ReactElement } from 'react';
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
  imageFactoryWheelSetEnrollPermission,
  WheelSet,
  WheelSetList,
} from '@image-factory/plugin-image-factory-common';

/** What the permission policy answered; `loading` until it has. */
type PermissionAnswer = { loading: boolean; allowed: boolean };

/**
 * A control behind a permission: disabled while the answer loads, and when
 * denied also titled with the permission it needs (`why`, if given, says
 * for what). The span stays either way, so the control is not re-mounted
 * when the answer arrives.
 */
function Permitted(props: {
  permission: { name: string };
  answer: PermissionAnswer;
  why?: string;
  children: (allowed: boolean) => ReactElement;
}) {
  const { permission, answer, why, children } = props;
  const denied = !answer.loading && !answer.allowed;
  return (
    <span
      title={
        denied
          ? `You need the permission ${permission.name}${why ? ` ${why}` : ''}`
          : undefined
      }
    >
      {children(!answer.loading && answer.allowed)}
    </span>
  );
}

/**
 * The set as wheels.yaml has it: material-table adds its own `tableData` to
 * each row, which a change checked against the schema would report as an
 * unknown field.
 */
function withoutTableData(row: WheelSet): WheelSet {
  const { tableData: _, ...set } = row as WheelSet & { tableData?: unknown };
  return set;
}

/**
 * The wheel sets of wheels.yaml, each with a Run button (for users who
 * hold `image-factory.refinery.run`) and, when the page handles them,
 * Change and Un-enroll buttons that open a pull request against
 * wheels.yaml (for users who hold `image-factory.wheel-set.enroll`: the
 * page passes the answer it got for its Enroll wheel set button); and every
 * problem of the file.
 */
export function WheelSetsCard(props: {
  sets: WheelSetList;
  starting?: string;
  onRun: (set: string) => void;
  onChange?: (set: WheelSet) => void;
  onUnenroll?: (set: WheelSet) => void;
  /** The answer for `image-factory.wheel-set.enroll`; loading when absent. */
  enrollPermission?: PermissionAnswer;
}) {
  const { sets, starting, onRun, onChange, onUnenroll } = props;
  const run = usePermission({ permission: imageFactoryRefineryRunPermission });
  const enroll = props.enrollPermission ?? { loading: true, allowed: false };
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
      render: set => (
        <Box display="flex" gridGap={4} whiteSpace="nowrap">
          <Permitted
            permission={imageFactoryRefineryRunPermission}
            answer={run}
          >
            {allowed => (
              <Button
                size="small"
                variant="outlined"
                color="primary"
                startIcon={<PlayArrowIcon />}
                disabled={!allowed || starting === set.name}
                onClick={() => onRun(set.name)}
                aria-label={`Run ${set.name}`}
              >
                Run
              </Button>
            )}
          </Permitted>
          {onChange && (
            <Permitted
              permission={imageFactoryWheelSetEnrollPermission}
              answer={enroll}
              why={`to change ${set.name}`}
            >
              {allowed => (
                <Button
                  size="small"
                  variant="outlined"
                  color="primary"
                  disabled={!allowed}
                  onClick={() => onChange(withoutTableData(set))}
                  aria-label={`Change ${set.name}`}
                >
                  Change
                </Button>
              )}
            </Permitted>
          )}
          {onUnenroll && (
            <Permitted
              permission={imageFactoryWheelSetEnrollPermission}
              answer={enroll}
              why={`to un-enroll ${set.name}`}
            >
              {allowed => (
                <Button
                  size="small"
                  variant="outlined"
                  color="secondary"
                  disabled={!allowed}
                  onClick={() => onUnenroll(withoutTableData(set))}
                  aria-label={`Un-enroll ${set.name}`}
                >
                  Un-enroll
                </Button>
              )}
            </Permitted>
          )}
        </Box>
      ),
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
