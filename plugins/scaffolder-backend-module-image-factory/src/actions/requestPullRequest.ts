import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { EnrollmentResponse } from '@image-factory/plugin-image-factory-common';
import type { ActionZod } from './entryInput';

/**
 * What a form leaves behind for a field the user skipped (an empty string, an
 * empty mapping or list) means "not given": the entry keeps the default
 * implicit instead of writing `rebuild: {}`. With `keepEmptyList`, an empty
 * list stays, so that an empty selection is refused rather than replaced by
 * the default.
 */
export function withoutEmpty(value: unknown, keepEmptyList = false): unknown {
  if (typeof value === 'string') {
    return value.trim() === '' ? undefined : value;
  }
  if (Array.isArray(value)) {
    return value.length === 0 && !keepEmptyList ? undefined : value;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, withoutEmpty(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}

const ERRORS_BY_STATUS: Record<number, new (message: string) => Error> = {
  400: InputError,
  401: AuthenticationError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
  503: ServiceUnavailableError,
};

/**
 * The backend's answer as an error of the same kind with the backend's own
 * message, which names the field or the reason (`owner: …`, `already
 * enrolled`); the HTTP details stay in `cause`.
 */
async function errorFromResponse(response: Response): Promise<Error> {
  const responseError = await ResponseError.fromResponse(response);
  const backendMessage = responseError.body?.error?.message;
  const message = backendMessage
    ? backendMessage
    : `Image Factory answered ${response.status} ${response.statusText}`;
  const ErrorType = ERRORS_BY_STATUS[response.status] ?? Error;
  const error = new ErrorType(message);
  (error as { cause?: unknown }).cause = responseError;
  return error;
}

/**
 * The outputs of an action that asks for a change request. (A type, not an
 * interface: `ctx.checkpoint` keeps only JSON values.)
 */
export type PullRequestResult = {
  pullRequestUrl: string;
  pullRequestNumber: number;
  enrollmentId: string;
  reused: boolean;
};

/** What a dry run outputs: placeholders, since nothing was asked. */
export const DRY_RUN_RESULT: PullRequestResult = {
  pullRequestUrl: '',
  pullRequestNumber: 0,
  enrollmentId: 'dry-run',
  reused: false,
};

/** Sets every output of `result`. */
export function outputPullRequest(
  ctx: {
    output(
      name: keyof PullRequestResult,
      value: PullRequestResult[keyof PullRequestResult],
    ): void;
  },
  result: PullRequestResult,
) {
  for (const key of Object.keys(result) as (keyof PullRequestResult)[]) {
    ctx.output(key, result[key]);
  }
}

/** The output schema of an action that asks for a change request. */
export const pullRequestOutput: {
  pullRequestUrl: (z: ActionZod) => ReturnType<ActionZod['string']>;
  pullRequestNumber: (z: ActionZod) => ReturnType<ActionZod['number']>;
  enrollmentId: (z: ActionZod) => ReturnType<ActionZod['string']>;
  reused: (z: ActionZod) => ReturnType<ActionZod['boolean']>;
} = {
  pullRequestUrl: (z: ActionZod) =>
    z.string().describe('The pull request a reviewer merges to approve.'),
  pullRequestNumber: (z: ActionZod) =>
    z.number().describe('Number of the pull request.'),
  enrollmentId: (z: ActionZod) =>
    z
      .string()
      .describe(
        'Id of the change request, for GET /api/image-factory/enrollments/:id.',
      ),
  reused: (z: ActionZod) =>
    z
      .boolean()
      .describe(
        'True when a pull request for the same change was already open and is returned instead of a new one.',
      ),
};

/**
 * Asks the Image Factory backend for a change request (`path` under its base
 * URL, e.g. `/enrollments`) on behalf of `credentials`, the user who runs the
 * template, so that the factory checks that user's permission and ownership.
 * A refusal is thrown as the matching `@backstage/errors` type with the
 * backend's message.
 */
export async function requestPullRequest(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  credentials: BackstageCredentials;
  path: string;
  body: unknown;
}): Promise<PullRequestResult> {
  const { discovery, auth, credentials, path, body } = options;
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: credentials,
    targetPluginId: 'image-factory',
  });
  const response = await fetch(
    `${await discovery.getBaseUrl('image-factory')}${path}`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(body),
    },
  );
  if (!response.ok) {
    throw await errorFromResponse(response);
  }
  const { enrollment, reused } = (await response.json()) as EnrollmentResponse;
  return {
    pullRequestUrl: enrollment.pullRequest.url,
    pullRequestNumber: enrollment.pullRequest.number,
    enrollmentId: enrollment.id,
    reused,
  };
}
