import { useMemo, useState } from 'react';
import {
  Box,
  Button,
  ButtonGroup,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  CopyTextButton,
  LogViewer,
  WarningPanel,
} from '@backstage/core-components';
import type { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { backendMessage } from '../ChangeRequestResult';
import { BuildLogSteps } from './BuildLogSteps';
import { logText } from './format';
import { useBuildLogSections } from './useBuildLogSections';

const ALL = '*';
const FACTORY = '-';

/**
 * A run's log, filterable by platform, in two views: "Steps" (each
 * platform's Dockerfile steps with their output, cache hits, durations and
 * errors; see {@link BuildLogSteps}) and "Raw log" (Backstage's LogViewer:
 * windowed, searchable, ANSI colours). Both follow a live log; the raw text
 * of what is shown can be copied.
 */
export function BuildLogViewer(props: {
  lines: BuildLogLine[];
  platforms: string[];
  live: boolean;
  error?: Error;
}) {
  const { lines, platforms, live, error } = props;
  const [platform, setPlatform] = useState(ALL);
  const [view, setView] = useState<'steps' | 'raw'>('steps');
  const sections = useBuildLogSections(lines);
  const shownSections = useMemo(
    () =>
      platform === ALL
        ? sections
        : sections.filter(
            s => s.platform === (platform === FACTORY ? undefined : platform),
          ),
    [sections, platform],
  );
  const text = useMemo(() => {
    if (platform === ALL) {
      return logText(lines, true);
    }
    const wanted = platform === FACTORY ? undefined : platform;
    return logText(
      lines.filter(l => l.platform === wanted),
      false,
    );
  }, [lines, platform]);

  return (
    <>
      <Box display="flex" alignItems="center" gridGap={16} mb={1}>
        <TextField
          select
          id="build-log-platform"
          label="Platform"
          value={platform}
          onChange={e => setPlatform(e.target.value)}
          variant="outlined"
          margin="dense"
          style={{ minWidth: 200 }}
        >
          <MenuItem value={ALL}>All platforms</MenuItem>
          {platforms.map(p => (
            <MenuItem key={p} value={p}>
              {p}
            </MenuItem>
          ))}
          <MenuItem value={FACTORY}>Factory only</MenuItem>
        </TextField>
        <ButtonGroup size="small" aria-label="Log view">
          {(
            [
              ['steps', 'Steps'],
              ['raw', 'Raw log'],
            ] as const
          ).map(([value, label]) => (
            <Button
              key={value}
              aria-pressed={view === value}
              variant={view === value ? 'contained' : 'outlined'}
              color={view === value ? 'primary' : 'default'}
              onClick={() => setView(value)}
            >
              {label}
            </Button>
          ))}
        </ButtonGroup>
        <Typography variant="body2" color="textSecondary" role="status">
          {live
            ? `Following the log live (${lines.length} lines)`
            : `${lines.length} lines`}
        </Typography>
        <Box flexGrow={1} />
        {text && (
          <CopyTextButton
            text={text}
            aria-label="Copy the log"
            tooltipText="Log copied to the clipboard"
          />
        )}
      </Box>
      {error && (
        <Box mb={1}>
          <WarningPanel
            title="The log can no longer be followed"
            message={backendMessage(error)}
          />
        </Box>
      )}
      <Box height={480} aria-label="Build log" role="log">
        {text && view === 'steps' && (
          <BuildLogSteps sections={shownSections} live={live} />
        )}
        {text && view === 'raw' && <LogViewer text={text} />}
        {!text && (
          <Typography variant="body2" color="textSecondary">
            {live ? 'Waiting for the first line…' : 'No log lines.'}
          </Typography>
        )}
      </Box>
    </>
  );
}
