import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EnrollImageRequest,
  imageEntrySchema,
  parseFields,
} from '@image-factory/plugin-image-factory-common';
import { examples } from './enrollImage.examples';
import { ENTRY_FIELDS, entryInput } from './entryInput';
import {
  DRY_RUN_RESULT,
  outputPullRequest,
  pullRequestOutput,
  requestPullRequest,
  withoutEmpty,
} from './requestPullRequest';

/** The entry as the user gave it: defaults stay implicit in images.yaml. */
function entryFromInput(input: Record<string, unknown>) {
  const entry: Record<string, unknown> = {};
  for (const field of ENTRY_FIELDS) {
    const value = withoutEmpty(input[field], field === 'platforms');
    if (value !== undefined) entry[field] = value;
  }
  return entry;
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
      output: pullRequestOutput,
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
        outputPullRequest(ctx, DRY_RUN_RESULT);
        return;
      }

      const result = await ctx.checkpoint({
        // A retried task returns the pull request of the first run.
        key: `image-factory.enroll.${name}`,
        fn: async () => {
          const body: EnrollImageRequest = {
            image: image as EnrollImageRequest['image'],
            ...(reason ? { reason } : {}),
            ...(ctx.input.acceptUnbuiltPlatforms
              ? { acceptUnbuiltPlatforms: true }
              : {}),
          };
          return requestPullRequest({
            discovery,
            auth,
            credentials: await ctx.getInitiatorCredentials(),
            path: '/enrollments',
            body,
          });
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
      outputPullRequest(ctx, result);
    },
  });
}
