import { ComponentProps } from 'react';
import { Button, Tooltip } from '@material-ui/core';
import { PermittedAction } from '../PermittedAction';

/**
 * A stage button enabled when the user holds `permission` on the stage and
 * `enabled` is true; `blockedBy` disables it and says why in a tooltip.
 */
export function GuardedButton(props: {
  label: string;
  permission: ComponentProps<typeof PermittedAction>['permission'];
  /** The stage's resource ref (`image:default/web/prod`). */
  resourceRef: string;
  enabled: boolean;
  /** Why the button waits though permitted, e.g. a move under way. */
  blockedBy?: string;
  onClick(): void;
}) {
  const { label, permission, resourceRef, enabled, blockedBy, onClick } = props;
  return (
    <PermittedAction permission={permission} resourceRef={resourceRef}>
      {allowed => {
        const button = (
          <Button
            size="small"
            variant="outlined"
            color="primary"
            disabled={!allowed || !enabled || !!blockedBy}
            onClick={onClick}
          >
            {label}
          </Button>
        );
        // A disabled button fires no events, so the tooltip holds a span.
        return allowed && blockedBy ? (
          <Tooltip title={blockedBy}>
            <span>{button}</span>
          </Tooltip>
        ) : (
          button
        );
      }}
    </PermittedAction>
  );
}
