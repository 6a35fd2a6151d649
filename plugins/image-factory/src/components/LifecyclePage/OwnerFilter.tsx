import { MenuItem, TextField } from '@material-ui/core';

/** `group:default/web` reads `web`; other refs stay whole. */
export const ownerLabel = (ref: string) => ref.replace(/^group:default\//i, '');

/**
 * Picks the owner whose images the lifecycle page lists, among the owners
 * seen so far; the empty choice lists every owner's.
 */
export function OwnerFilter(props: {
  owner?: string;
  owners: string[];
  onChange(owner?: string): void;
}) {
  const { owner, owners, onChange } = props;
  return (
    <TextField
      id="lifecycle-owner"
      select
      label="Owner"
      variant="outlined"
      size="small"
      style={{ minWidth: 220 }}
      value={owner ?? ''}
      onChange={e => onChange(e.target.value || undefined)}
    >
      <MenuItem value="">All owners</MenuItem>
      {owners.map(ref => (
        <MenuItem key={ref} value={ref}>
          {ownerLabel(ref)}
        </MenuItem>
      ))}
    </TextField>
  );
}
