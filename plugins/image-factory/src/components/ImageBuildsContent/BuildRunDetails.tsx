import {
  Box,
  Chip,
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type {
  BuildPlatformResult,
  BuildRun,
} from '@image-factory/plugin-image-factory-common';
import { OverviewField } from '../ImageOverviewCard/OverviewField';
import { BuildStatusChip } from './BuildStatusChip';
import { CopyableCode, Digest } from './Digest';
import { formatDuration, shortRevision } from './format';

function Missing() {
  return (
    <Typography variant="body2" color="textSecondary">
      —
    </Typography>
  );
}

function Inputs(props: { run: BuildRun }) {
  const { inputs } = props.run;
  const bases = Object.entries(inputs.baseDigests ?? {});
  const args = Object.entries(inputs.buildArgs ?? {});
  return (
    <Grid container spacing={2}>
      <OverviewField label="Source revision">
        {inputs.sourceRevision ? (
          <CopyableCode
            value={inputs.sourceRevision}
            short={shortRevision(inputs.sourceRevision)}
            label="source revision"
          />
        ) : (
          <Missing />
        )}
      </OverviewField>
      <OverviewField label="Dockerfile digest">
        {inputs.dockerfileDigest ? (
          <Digest digest={inputs.dockerfileDigest} label="Dockerfile digest" />
        ) : (
          <Missing />
        )}
      </OverviewField>
      <OverviewField label="Base images">
        {bases.length === 0 ? (
          <Missing />
        ) : (
          bases.map(([ref, digest]) => (
            <div key={ref}>
              <code>{ref}</code>{' '}
              <Digest digest={digest} label={`${ref} digest`} />
            </div>
          ))
        )}
      </OverviewField>
      <OverviewField label="Build args">
        {args.length === 0 ? (
          <Missing />
        ) : (
          args.map(([name, value]) => (
            <div key={name}>
              <code>
                {name}={value}
              </code>
            </div>
          ))
        )}
      </OverviewField>
    </Grid>
  );
}

function PlatformRow(props: { platform: BuildPlatformResult }) {
  const p = props.platform;
  return (
    <TableRow>
      <TableCell component="th" scope="row">
        <code>{p.platform}</code>
      </TableCell>
      <TableCell>
        <BuildStatusChip status={p.status} />
      </TableCell>
      <TableCell>
        {p.executor ?? '—'}{' '}
        {p.emulated && (
          <Chip
            size="small"
            label="QEMU"
            title="Emulated: several times slower than a native build"
          />
        )}
      </TableCell>
      <TableCell>{formatDuration(p.buildDurationMs)}</TableCell>
      <TableCell>{formatDuration(p.pushDurationMs)}</TableCell>
      <TableCell>
        {p.digest ? (
          <Digest digest={p.digest} label={`${p.platform} digest`} />
        ) : (
          '—'
        )}
        {p.reusedFrom && (
          <Typography variant="body2" color="textSecondary">
            Reused from run {p.reusedFrom.slice(0, 8)}: its bases did not change
          </Typography>
        )}
        {p.error && (
          <Typography variant="body2" color="error">
            {p.error}
          </Typography>
        )}
      </TableCell>
    </TableRow>
  );
}

/** A run's inputs and its platforms. */
export function BuildRunDetails(props: { run: BuildRun }) {
  const { run } = props;
  return (
    <>
      <Inputs run={run} />
      <Box mt={3}>
        <Table size="small" aria-label="Platforms">
          <TableHead>
            <TableRow>
              <TableCell>Platform</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Executor</TableCell>
              <TableCell>Build</TableCell>
              <TableCell>Push</TableCell>
              <TableCell>Digest</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {run.platforms.map(p => (
              <PlatformRow key={p.platform} platform={p} />
            ))}
          </TableBody>
        </Table>
      </Box>
    </>
  );
}
