import {
  Box,
  Button,
  FormControlLabel,
  MenuItem,
  Switch,
  TextField,
} from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import type { ImageVersionListQuery } from '@image-factory/plugin-image-factory-common';

/** What the controls change. */
export interface VersionFilters {
  sort: ImageVersionListQuery['sort'];
  /** As typed; the list reads it debounced. */
  text: string;
  hideMachineTags: boolean;
}

/** Sort, tag filter, "Hide machine tags", Refresh and Compare. */
export function VersionControls(props: {
  filters: VersionFilters;
  onChange: (filters: VersionFilters) => void;
  onRefresh: () => void;
  refreshing: boolean;
  onCompare: () => void;
  selectedCount: number;
}) {
  const { filters, onChange } = props;
  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" gridGap={16}>
      <TextField
        select
        id="image-versions-sort"
        label="Sort by"
        size="small"
        variant="outlined"
        value={filters.sort}
        onChange={e =>
          onChange({
            ...filters,
            sort: e.target.value as VersionFilters['sort'],
          })
        }
        style={{ minWidth: 180 }}
      >
        <MenuItem value="semver">Semantic version</MenuItem>
        <MenuItem value="date">Date</MenuItem>
      </TextField>
      <TextField
        id="image-versions-filter"
        label="Filter by tag"
        size="small"
        variant="outlined"
        value={filters.text}
        inputProps={{ maxLength: 128 }}
        onChange={e => onChange({ ...filters, text: e.target.value })}
      />
      <FormControlLabel
        control={
          <Switch
            checked={filters.hideMachineTags}
            onChange={e =>
              onChange({ ...filters, hideMachineTags: e.target.checked })
            }
          />
        }
        label="Hide machine tags"
      />
      <Box flexGrow={1} />
      <Button
        variant="outlined"
        color="primary"
        disabled={props.selectedCount !== 2}
        onClick={props.onCompare}
        title={
          props.selectedCount === 2
            ? undefined
            : 'Select two versions to compare them'
        }
      >
        Compare
      </Button>
      <Button
        variant="outlined"
        startIcon={<RefreshIcon />}
        disabled={props.refreshing}
        onClick={props.onRefresh}
      >
        {props.refreshing ? 'Refreshing…' : 'Refresh'}
      </Button>
    </Box>
  );
}
