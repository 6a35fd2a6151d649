import { Box, Typography, makeStyles } from '@material-ui/core';
import { Link, StatusOK, WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import type {
  EnrollmentResponse,
  EnrollmentSubject,
} from '@image-factory/plugin-image-factory-common';

const useStyles = makeStyles(theme => ({
  success: {
    border: `1px solid ${theme.palette.success.main}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1.5, 2),
  },
}));

/**
 * The message the backend wrote (`{ error: { message } }`), else the error's
 * own, so that users read "image.owner: is required" rather than "Request
 * failed with 400 Bad Request".
 */
export function backendMessage(error: Error): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  return error.message;
}

function titleOf(
  error: Error,
  action: string,
  subject: EnrollmentSubject,
): string {
  const noun = subject === 'wheel-set' ? 'wheel set' : 'image';
  const file = subject === 'wheel-set' ? 'wheels.yaml' : 'images.yaml';
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  switch (status) {
    case 400:
      return `The ${action} request is not valid`;
    case 403:
      return `Not allowed to ${action} this ${noun}`;
    case 409:
      return `The ${action} request conflicts with ${file}`;
    case 429:
      return "GitHub's rate limit is used up: no pull request was opened";
    case 502:
      return 'GitHub failed: no pull request was opened';
    case 503:
      return "The factory's GitHub setup needs fixing: no pull request was opened";
    default:
      return `Could not ${action} the ${noun}`;
  }
}

/**
 * A failed change request: the backend's message in an error panel, titled by
 * the kind of failure.
 */
export function ChangeRequestError(props: {
  error: Error;
  action: string;
  /** What the request was about; an image when absent. */
  subject?: EnrollmentSubject;
}) {
  return (
    <WarningPanel
      severity="error"
      defaultExpanded
      title={titleOf(props.error, props.action, props.subject ?? 'image')}
      message={backendMessage(props.error)}
    />
  );
}

/**
 * An opened (or reused) change request: its pull request, which a reviewer
 * merges to apply the change.
 */
export function ChangeRequestSuccess(props: { response: EnrollmentResponse }) {
  const classes = useStyles();
  const { enrollment, reused } = props.response;
  const pr = enrollment.pullRequest;
  return (
    <Box className={classes.success} role="status">
      <StatusOK>
        {reused ? 'A pull request was already open' : 'Pull request opened'}
      </StatusOK>
      <Typography variant="body2" component="div">
        <Link to={pr.url} target="_blank" rel="noopener noreferrer">
          {pr.repo}#{pr.number}
        </Link>
        : {enrollment.summary}
      </Typography>
      <Typography variant="body2" color="textSecondary" component="div">
        {reused
          ? 'An identical change was already asked for, so no second pull request was opened. '
          : ''}
        The change applies once a reviewer merges the pull request.
      </Typography>
    </Box>
  );
}
