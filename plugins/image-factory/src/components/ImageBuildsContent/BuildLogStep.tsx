import { useState } from 'react';
import { Box, Button, Chip, Typography, makeStyles } from '@material-ui/core';
import type { LogNote, LogOutputLine, LogStep } from './parseBuildKitLog';

/** A step shows at most this many of its last output lines until asked for all. */
export const OUTPUT_TAIL = 200;

const useStyles = makeStyles(theme => ({
  step: {
    listStyle: 'none',
    padding: theme.spacing(0.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    fontFamily: 'monospace',
    // The title wraps within its place; the chips and duration stay beside it.
    '& > :not($title)': { flexShrink: 0 },
  },
  number: { color: theme.palette.text.secondary, minWidth: '3em' },
  stage: { color: theme.palette.text.secondary, whiteSpace: 'nowrap' },
  title: { flex: '0 1 auto', minWidth: 0, wordBreak: 'break-all' },
  instruction: { fontWeight: 'bold', color: theme.palette.primary.main },
  failed: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  lines: {
    margin: theme.spacing(0.5, 0, 0, 4),
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
  },
  at: { color: theme.palette.text.secondary, userSelect: 'none' },
  error: { color: theme.palette.error.main },
  warning: { color: theme.palette.warning.main },
  system: { color: theme.palette.info.main },
  output: {},
}));

/** Output lines, errors in the error colour; only the last ones of a long output until asked. */
function Lines(props: { lines: LogOutputLine[]; label: string }) {
  const classes = useStyles();
  const [all, setAll] = useState(false);
  const { lines, label } = props;
  const hidden = all ? 0 : Math.max(0, lines.length - OUTPUT_TAIL);
  return (
    <div className={classes.lines} aria-label={label}>
      {hidden > 0 && (
        <Button size="small" onClick={() => setAll(true)}>
          Show all {lines.length} lines ({hidden} earlier)
        </Button>
      )}
      {lines.slice(hidden).map(line => (
        <div key={line.seq} className={classes[line.kind]}>
          {line.at && <span className={classes.at}>{line.at} </span>}
          {line.text}
        </div>
      ))}
    </div>
  );
}

/**
 * One Dockerfile step: its number and stage, the instruction emphasised, a
 * "cached" chip, its duration or a "failed" chip, then its output and error.
 */
export function BuildLogStep(props: { step: LogStep; live: boolean }) {
  const classes = useStyles();
  const { step, live } = props;
  const title = [step.label, step.instruction, step.detail]
    .filter(Boolean)
    .join(' ');
  return (
    <li className={classes.step} aria-label={title}>
      <div className={classes.header}>
        <span className={classes.number}>{step.label}</span>
        {step.stage && <span className={classes.stage}>[{step.stage}]</span>}
        <span className={classes.title}>
          {step.instruction && (
            <span className={classes.instruction}>{step.instruction}</span>
          )}
          {step.instruction && step.detail ? ' ' : ''}
          {step.detail}
        </span>
        {step.cached && <Chip size="small" label="cached" />}
        {step.error !== undefined && (
          <Chip size="small" label="failed" className={classes.failed} />
        )}
        {step.duration && (
          <Typography variant="caption" color="textSecondary">
            {step.duration}
          </Typography>
        )}
        {live && !step.finished && (
          <Typography variant="caption" color="textSecondary">
            running…
          </Typography>
        )}
      </div>
      {step.output.length > 0 && (
        <Lines lines={step.output} label={`Output of ${step.label}`} />
      )}
      {step.error !== undefined && (
        <Box className={`${classes.lines} ${classes.error}`} role="alert">
          ERROR: {step.error}
        </Box>
      )}
    </li>
  );
}

/** Lines between steps: the factory's own, a push, the builder's summary. */
export function BuildLogNote(props: { note: LogNote }) {
  const classes = useStyles();
  return (
    <li className={classes.step}>
      <Lines lines={props.note.lines} label="Messages" />
    </li>
  );
}
