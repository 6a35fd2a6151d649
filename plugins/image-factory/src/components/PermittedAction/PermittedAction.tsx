import { ReactElement } from 'react';
import { Tooltip } from '@material-ui/core';
import { usePermission } from '@backstage/plugin-permission-react';
import { imageFactoryBuildPermission } from '@image-factory/plugin-image-factory-common';

/** A permission checked on a catalog entity, as all of the factory's actions are. */
type EntityPermission = typeof imageFactoryBuildPermission;

/** The tooltip of a control the user may not use. */
export function missingPermissionText(
  permission: EntityPermission,
  resourceRef: string,
): string {
  return `You need the permission ${permission.name} on ${resourceRef}`;
}

/**
 * Renders a control enabled only when the signed-in user holds `permission`
 * on `resourceRef` (the portal's permission policy answers, as the backend
 * will). A denied control is disabled, with a tooltip naming the permission,
 * instead of answering 403 when pressed; while the answer loads it is
 * disabled without one. The backend checks again on every request.
 */
export function PermittedAction(props: {
  permission: EntityPermission;
  resourceRef: string;
  /** The control, told whether it may be used. */
  children: (allowed: boolean) => ReactElement;
}) {
  const { permission, resourceRef, children } = props;
  const { loading, allowed } = usePermission({ permission, resourceRef });
  if (loading || allowed) {
    return children(!loading && allowed);
  }
  return (
    <Tooltip title={missingPermissionText(permission, resourceRef)}>
      {/* A disabled button gets no pointer events: the tooltip hangs on this. */}
      <span style={{ display: 'inline-flex' }}>{children(false)}</span>
    </Tooltip>
  );
}
