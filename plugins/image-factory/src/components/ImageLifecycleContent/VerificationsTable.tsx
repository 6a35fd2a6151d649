import { useState } from 'react';
import { Box, Button, Chip, Typography, makeStyles } from '@material-ui/core';
import { Table, TableColumn } from '@backstage/core-components';
import type {
  ImageStageCheckResult,
  ImageStageVerification,
} from '@image-factory/plugin-image-factory-common';
import {
  formatDuration,
  shortDigest,
  when,
} from '../ImageBuildsContent/format';
import { VerificationLogDialog } from './VerificationLogDialog';

const useStyles = makeStyles(theme => {
  const { status } = theme.palette;
  const outline = (color: string) => ({ borderColor: color, color });
  return {
    pending: outline(status.pending),
    running: outline(status.running),
    passed: outline(status.ok),
    failed: outline(status.error),
    timedOut: outline(status.error),
    error: outline(status.error),
  };
});

const RESULT_WORDS: Record<ImageStageCheckResult['status'], string> = {
  passed: 'passed',
  failed: 'failed',
  timedOut: 'timed out',
  error: 'could not run',
};

function resultLabel(r: ImageStageCheckResult): string {
  const how = r.emulated ? ' (QEMU)' : '';
  const exit =
    r.status === 'failed' && r.exitCode !== undefined
      ? ` (exit ${r.exitCode})`
      : '';
  return `${r.check} · ${r.platform}${how}: ${
    RESULT_WORDS[r.status]
  }${exit}, ${formatDuration(r.durationMs)}`;
}

function Results(props: { verification: ImageStageVerification }) {
  const classes = useStyles();
  const { verification: v } = props;
  return (
    <Box display="flex" flexWrap="wrap" gridGap={4}>
      {v.results.map(r => (
        <Chip
          key={`${r.check} ${r.platform}`}
          size="small"
          variant="outlined"
          className={classes[r.status]}
          label={resultLabel(r)}
          title={r.error ?? `on ${r.executor ?? 'no executor'}`}
        />
      ))}
      {v.error && (
        <Typography variant="body2" color="error">
          {v.error}
        </Typography>
      )}
      {v.results.length === 0 && !v.error && (
        <Typography variant="body2" color="textSecondary">
          {v.status === 'pending' ? 'waiting for an executor' : 'running…'}
        </Typography>
      )}
    </Box>
  );
}

function Status(props: { status: ImageStageVerification['status'] }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      className={classes[props.status]}
      label={props.status}
    />
  );
}

/**
 * The stage verifications of an image, newest first: the digest each
 * certified (or refused) for which stage, every check on every platform
 * with its result and duration (QEMU marked), and its log.
 */
export function VerificationsTable(props: {
  image: string;
  verifications: ImageStageVerification[];
}) {
  const [shown, setShown] = useState<ImageStageVerification>();
  const columns: TableColumn<ImageStageVerification>[] = [
    { title: 'Stage', field: 'stage' },
    {
      title: 'Digest',
      render: v => (
        <code style={{ whiteSpace: 'nowrap' }} title={v.digest}>
          {shortDigest(v.digest)}
        </code>
      ),
    },
    { title: 'Status', render: v => <Status status={v.status} /> },
    { title: 'Checks', render: v => <Results verification={v} /> },
    { title: 'Time', render: v => when(v.finishedAt ?? v.createdAt) },
    {
      title: 'Log',
      render: v => (
        <Button
          size="small"
          aria-label={`Log of the checks of ${shortDigest(v.digest)} for ${
            v.stage
          }`}
          onClick={() => setShown(v)}
        >
          Log
        </Button>
      ),
    },
  ];
  return (
    <>
      <Table<ImageStageVerification>
        title="Verifications"
        options={{
          search: false,
          paging: props.verifications.length > 10,
          pageSize: 10,
        }}
        columns={columns}
        data={props.verifications}
        emptyContent={
          <div style={{ padding: 16 }}>
            No verification yet: a stage's `verify` checks run when a version is
            promoted into it.
          </div>
        }
      />
      {shown && (
        <VerificationLogDialog
          image={props.image}
          verification={shown}
          onClose={() => setShown(undefined)}
        />
      )}
    </>
  );
}
