import { ComponentProps } from 'react';
import { Button } from '@material-ui/core';
import { PermittedAction } from '../PermittedAction';

/**
 * A stage button enabled when the user holds `permission` on the stage and
 * `enabled` is true.
 */
export function GuardedButton(props: {
  label: string;
  permission: ComponentProps<typeof PermittedAction>['permission'];
  /** The stage's resource ref (`image:default/web/prod`). */
  resourceRef: string;
  enabled: boolean;
  onClick(): void;
}) {
  const { label, permission, resourceRef, enabled, onClick } = props;
  return (
    <PermittedAction permission={permission} resourceRef={resourceRef}>
      {allowed => (
        <Button
          size="small"
          variant="outlined"
          color="primary"
          disabled={!allowed || !enabled}
          onClick={onClick}
        >
          {label}
        </Button>
      )}
    </PermittedAction>
  );
}
