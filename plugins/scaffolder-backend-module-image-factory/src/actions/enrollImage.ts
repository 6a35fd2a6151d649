import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EnrollImageRequest,
  EnrollmentResponse,
  imageEntrySchema,
  parseFields,
} from '@image-factory/plugin-image-factory-common';
import { examples } from './enrollImage.examples';
import { ENTRY_FIELDS, entryInput } from './entryInput';

/**
 * What a form leaves behind for a field the user skipped (an empty string, an
 * empty mapping or list) means "not given": the entry keeps the default
 * implicit instead of writing `rebuild: {}`. `platforms` stays, so that an
 * empty selection is refused rather than replaced by the default.
 */
function withoutEmpty(value: unknown, keepEmptyList = false): unknown {
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

/** The entry as the user gave it: defaults stay implicit in images.yaml. */
function entryFromInput(input: Record<string, unknown>) {
  const entry: Record<string, unknown> = {};
  for (const field of ENTRY_FIELDS) {
    const value = withoutEmpty(input[field], field === 'platforms');
    if (value !== undefined) entry[field] = value;
  }
  return entry;
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
 * `image-factory:enroll`: asks the Image Factory to enroll an image. The
 * backend opens a pull request that adds the entry to `images.yaml`; merging
 * it is the approval. The request is made on behalf of the user who runs the
 * template, so the factory checks that user's permission and ownership.
 *
 * @public
 */
export function createEnrollImageAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'image-factory:enroll',
    description:
      'Enrolls an image in the Image Factory: opens a pull request that adds the entry to images.yaml, on behalf of the user who runs the template.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        // Every field of an images.yaml entry, from its schema.
        ...entryInput(),
        reason: z =>
          z
            .string()
            .optional()
            .describe(
              'Why the image is enrolled; shown to the reviewers in the pull request.',
            ),
        acceptUnbuiltPlatforms: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Enroll even if no configured executor builds some of the platforms yet (their builds wait for one); without it the factory refuses such platforms, naming each.',
            ),
      },
      output: {
        pullRequestUrl: z =>
          z.string().describe('The pull request a reviewer merges to approve.'),
        pullRequestNumber: z =>
          z.number().describe('Number of the pull request.'),
        enrollmentId: z =>
          z
            .string()
            .describe(
              'Id of the change request, for GET /api/image-factory/enrollments/:id.',
            ),
        reused: z =>
          z
            .boolean()
            .describe(
              'True when a pull request for the same entry was already open and is returned instead of a new one.',
            ),
      },
    },
    async handler(ctx) {
      const image = entryFromInput(ctx.input);
      // The rules and messages images.yaml itself is checked with, before
      // anything is asked of the factory.
      const parsed = parseFields(imageEntrySchema, image);
      if (!parsed.success) {
        throw new InputError(
          `Invalid image: ${parsed.issues
            .map(issue => `${issue.path}: ${issue.message}`)
            .join('; ')}`,
        );
      }
      const name = parsed.data.name;
      const reason = withoutEmpty(ctx.input.reason) as string | undefined;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ask the Image Factory to enroll ${name}`,
        );
        ctx.output('pullRequestUrl', '');
        ctx.output('pullRequestNumber', 0);
        ctx.output('enrollmentId', 'dry-run');
        ctx.output('reused', false);
        return;
      }

      const result = await ctx.checkpoint({
        // A retried task returns the pull request of the first run.
        key: `image-factory.enroll.${name}`,
        fn: async () => {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await ctx.getInitiatorCredentials(),
            targetPluginId: 'image-factory',
          });
          const body: EnrollImageRequest = {
            image: image as EnrollImageRequest['image'],
            ...(reason ? { reason } : {}),
            ...(ctx.input.acceptUnbuiltPlatforms
              ? { acceptUnbuiltPlatforms: true }
              : {}),
          };
          const response = await fetch(
            `${await discovery.getBaseUrl('image-factory')}/enrollments`,
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
          const { enrollment, reused } =
            (await response.json()) as EnrollmentResponse;
          return {
            pullRequestUrl: enrollment.pullRequest.url,
            pullRequestNumber: enrollment.pullRequest.number,
            enrollmentId: enrollment.id,
            reused,
          };
        },
      });

      ctx.logger.info(
        `${
          result.reused
            ? 'A pull request for this enrollment was already open'
            : 'Opened a pull request to enroll the image'
        }: ${result.pullRequestUrl}`,
        {
          image: name,
          enrollmentId: result.enrollmentId,
          pullRequestNumber: result.pullRequestNumber,
        },
      );
      ctx.output('pullRequestUrl', result.pullRequestUrl);
      ctx.output('pullRequestNumber', result.pullRequestNumber);
      ctx.output('enrollmentId', result.enrollmentId);
      ctx.output('reused', result.reused);
    },
  });
}
