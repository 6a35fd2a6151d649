import { Box } from '@material-ui/core';
import { CopyTextButton } from '@backstage/core-components';
import { shortDigest } from './format';

/** A value shortened for the eye, whole in its title and copy button. */
export function CopyableCode(props: {
  value: string;
  short?: string;
  label: string;
}) {
  return (
    <Box component="span" display="inline-flex" alignItems="center">
      <code title={props.value}>{props.short ?? props.value}</code>
      <CopyTextButton
        text={props.value}
        tooltipText={`${props.label} copied`}
        aria-label={`Copy ${props.label}`}
      />
    </Box>
  );
}

/** A digest shortened to `sha256:` and 12 hex digits, with a copy button. */
export function Digest(props: { digest: string; label?: string }) {
  return (
    <CopyableCode
      value={props.digest}
      short={shortDigest(props.digest)}
      label={props.label ?? 'digest'}
    />
  );
}
