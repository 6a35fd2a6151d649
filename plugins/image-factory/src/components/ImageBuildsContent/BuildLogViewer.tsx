import { useMemo, useState } from 'react';
import { Box, MenuItem, TextField, Typography } from '@material-ui/core';
import { LogViewer, WarningPanel } from '@backstage/core-components';
import type { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { backendMessage } from '../ChangeRequestResult';
import { logText } from './format';

const ALL = '*';
const FACTORY = '-';

/**
 * A run's log in Backstage's LogViewer (windowed, searchable, ANSI colours,
 * kept scrolled to the newest line), filterable by platform.
 */
export function BuildLogViewer(props: {
  lines: BuildLogLine[];
  platforms: string[];
  live: boolean;
  error?: Error;
}) {
  const { lines, platforms, live, error } = props;
  const [platform, setPlatform] = useState(ALL);
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
        <Typography variant="body2" color="textSecondary" role="status">
          {live
            ? `Following the log live (${lines.length} lines)`
            : `${lines.length} lines`}
        </Typography>
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
        {text ? (
          <LogViewer text={text} />
        ) : (
          <Typography variant="body2" color="textSecondary">
            {live ? 'Waiting for the first line…' : 'No log lines.'}
          </Typography>
        )}
      </Box>
    </>
  );
}
