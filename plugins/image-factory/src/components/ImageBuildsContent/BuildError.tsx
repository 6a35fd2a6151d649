import { WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { backendMessage } from '../ChangeRequestResult';

function titleOf(error: Error, action: 'build' | 'cancel'): string {
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  const what = action === 'build' ? 'build this image' : 'cancel this run';
  switch (status) {
    case 400:
      return action === 'build'
        ? 'This image cannot be built'
        : 'This run cannot be cancelled';
    case 403:
      return `Not allowed to ${what}`;
    case 404:
      return action === 'build'
        ? 'The factory does not know this image'
        : 'The run no longer exists';
    default:
      return `Could not ${what}`;
  }
}

/** A refused "Build now" or cancel: the backend's message, titled by status. */
export function BuildError(props: {
  error: Error;
  action: 'build' | 'cancel';
}) {
  return (
    <WarningPanel
      severity="error"
      defaultExpanded
      title={titleOf(props.error, props.action)}
      message={backendMessage(props.error)}
    />
  );
}
