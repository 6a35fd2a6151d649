import { ReactElement } from 'react';
import { Tooltip } from '@material-ui/core';
import { usePermission } from '@backstage/plugin-permission-react';

/**
 * A permission checked on a resource: a catalog entity, or a stage of an
 * image (`image:default/web/prod`), as all of the factory's actions are.
 */
type CheckedPermission = Extract<
  Parameters<typeof usePermission>[0],
  { resourceRef: string | undefined }
>['permission'];

/** The tooltip of a control the user may not use. */
export function missingPermissionText(
  permission: CheckedPermission,
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
  permission: CheckedPermission;
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
