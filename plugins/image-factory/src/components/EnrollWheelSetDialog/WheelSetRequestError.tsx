import { Typography } from '@material-ui/core';
import { Link, WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { backendMessage, ChangeRequestError } from '../ChangeRequestResult';

/**
 * The pull request a 409 names as already open for the set
 * (`… is already open: <url>; merge or close it first`).
 */
function openPullRequestOf(error: Error): string | undefined {
  if (!(error instanceof ResponseError) || error.statusCode !== 409) {
    return undefined;
  }
  return /is already open: (\S+?);/.exec(backendMessage(error))?.[1];
}

/**
 * A refused change request of a wheel set. When another pull request of
 * the set is still open, it says so and links it: one request per set and
 * action is open at a time. Anything else is the backend's message, titled
 * by the kind of failure.
 */
export function WheelSetRequestError(props: {
  error: Error;
  /** The verb of the request: `enroll`, `change`, `un-enroll`. */
  action: string;
  /** The set's name. */
  name: string;
}) {
  const { error, action, name } = props;
  const open = openPullRequestOf(error);
  if (!open) {
    return (
      <ChangeRequestError error={error} action={action} subject="wheel-set" />
    );
  }
  return (
    <WarningPanel
      severity="error"
      defaultExpanded
      title={`A pull request to ${action} ${name} is already open`}
    >
      <Typography variant="body2">
        Merge or close{' '}
        <Link to={open} target="_blank" rel="noopener noreferrer">
          {open}
        </Link>{' '}
        first, then ask again. No pull request was opened.
      </Typography>
    </WarningPanel>
  );
}
