import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EnrollWheelSetRequest,
  parseFields,
  SUPPORTED_PLATFORMS,
  wheelSetSchema,
} from '@image-factory/plugin-image-factory-common';
import { examples } from './enrollWheelSet.examples';
import {
  DRY_RUN_RESULT,
  outputPullRequest,
  pullRequestOutput,
  requestPullRequest,
  withoutEmpty,
} from './requestPullRequest';

/** The builder a set names when the template does not say. */
export const DEFAULT_WHEEL_BUILDER = 'wheel-builder';

/** The fields of a wheels.yaml set, in file order, from its schema. */
export const WHEEL_SET_FIELDS = Object.keys(wheelSetSchema.shape);

/**
 * The set as the user gave it: defaults stay implicit in wheels.yaml, except
 * the builder, which the file requires. An empty `targets` list stays, so
 * that it is refused rather than reported missing.
 */
function setFromInput(input: Record<string, unknown>) {
  const set: Record<string, unknown> = {};
  for (const field of WHEEL_SET_FIELDS) {
    const value = withoutEmpty(input[field], field === 'targets');
    if (value !== undefined) set[field] = value;
  }
  set.builder ??= DEFAULT_WHEEL_BUILDER;
  return set;
}

/**
 * `image-factory:enroll-wheel-set`: asks the Image Factory to enroll a wheel
 * set of its refinery. The backend opens a pull request that adds the set to
 * `wheels.yaml`; merging it is the approval. The request is made on behalf of
 * the user who runs the template, so the factory checks that user's
 * permission and ownership.
 *
 * @public
 */
export function createEnrollWheelSetAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'image-factory:enroll-wheel-set',
    description:
      "Enrolls a wheel set in the Image Factory's refinery: opens a pull request that adds the set to wheels.yaml, on behalf of the user who runs the template.",
    examples,
    supportsDryRun: true,
    schema: {
      // Values are only typed here: the handler checks them with the rules
      // and messages of wheels.yaml itself, after dropping a form's leftovers.
      input: {
        name: z =>
          z
            .string()
            .describe(
              'Unique set name: 1-63 lowercase letters, digits or dashes.',
            ),
        owner: z =>
          z
            .string()
            .describe(
              "Owning group or user, e.g. 'group:default/data' (what OwnerPicker returns) or 'data'.",
            ),
        title: z => z.string().optional().describe('Display title.'),
        description: z =>
          z.string().optional().describe('What the set is for.'),
        requirements: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              "PEP 508 requirements, one per item: 'MarkupSafe>=2.1,<3'. Required unless requirementsFile is given.",
            ),
        requirementsFile: z =>
          z
            .object({
              repo: z
                .string()
                .optional()
                .describe('The GitHub repository, as owner/name.'),
              path: z
                .string()
                .optional()
                .describe('The file, relative to the repository root.'),
              branch: z.string().optional().describe('Default main.'),
            })
            .optional()
            .describe(
              'A requirements.txt in a GitHub repository, instead of or with requirements.',
            ),
        targets: z =>
          z
            .array(
              z.object({
                python: z
                  .string()
                  .describe(
                    "The CPython of the builder, as in wheel tags: 'cp311'.",
                  ),
                platforms: z
                  .array(
                    z.enum([...SUPPORTED_PLATFORMS] as [string, ...string[]]),
                  )
                  .describe(
                    'Platforms to build wheels for; foreign ones run through QEMU.',
                  ),
              }),
            )
            .describe(
              'Python × platforms to build for; the refinery refuses a platform its builder does not have.',
            ),
        builder: z =>
          z
            .string()
            .optional()
            .describe(
              `The image of images.yaml builds run in; a name images.yaml does not have means the refinery's configured builder of each platform (default ${DEFAULT_WHEEL_BUILDER}).`,
            ),
        upstream: z =>
          z
            .string()
            .optional()
            .describe(
              'The PEP 503 index sdists come from (default https://pypi.org/simple/).',
            ),
        proxyUpstream: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Whether the refinery index also serves upstream files it did not build (default false).',
            ),
        timeout: z =>
          z
            .string()
            .optional()
            .describe("Per package build, e.g. '45m' (default 30m)."),
        hints: z =>
          z
            .array(
              z.object({
                project: z
                  .string()
                  .optional()
                  .describe(
                    'Only for this project; every project when absent.',
                  ),
                when: z
                  .object({
                    header: z.string().optional(),
                    library: z.string().optional(),
                    module: z.string().optional(),
                  })
                  .optional()
                  .describe(
                    "Applies on retry after a build missed this header ('ffi.h'), library ('ffi') or Python module ('Cython'); always when absent.",
                  ),
                debianPackages: z
                  .array(z.string())
                  .optional()
                  .describe('Installed in the builder before the build.'),
                env: z
                  .record(z.string(), z.string())
                  .optional()
                  .describe('Environment of the build.'),
                configSettings: z
                  .record(z.string(), z.string())
                  .optional()
                  .describe("pip's --config-settings for the build backend."),
              }),
            )
            .optional()
            .describe(
              "The set's hint catalog, added to the factory's: what a build of a project needs.",
            ),
        reason: z =>
          z
            .string()
            .optional()
            .describe(
              'Why the set is enrolled; shown to the reviewers in the pull request.',
            ),
      },
      output: pullRequestOutput,
    },
    async handler(ctx) {
      const set = setFromInput(ctx.input);
      // The rules and messages wheels.yaml itself is checked with, before
      // anything is asked of the factory.
      const parsed = parseFields(wheelSetSchema, set);
      if (!parsed.success) {
        throw new InputError(
          `Invalid wheel set: ${parsed.issues
            .map(issue => `${issue.path}: ${issue.message}`)
            .join('; ')}`,
        );
      }
      const name = parsed.data.name;
      const reason = withoutEmpty(ctx.input.reason) as string | undefined;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ask the Image Factory to enroll the wheel set ${name}`,
        );
        outputPullRequest(ctx, DRY_RUN_RESULT);
        return;
      }

      const result = await ctx.checkpoint({
        // A retried task returns the pull request of the first run.
        key: `image-factory.enroll-wheel-set.${name}`,
        fn: async () => {
          const body: EnrollWheelSetRequest = {
            set: set as EnrollWheelSetRequest['set'],
            ...(reason ? { reason } : {}),
          };
          return requestPullRequest({
            discovery,
            auth,
            credentials: await ctx.getInitiatorCredentials(),
            path: '/refinery/sets',
            body,
          });
        },
      });

      ctx.logger.info(
        `${
          result.reused
            ? 'A pull request for this wheel set was already open'
            : 'Opened a pull request to enroll the wheel set'
        }: ${result.pullRequestUrl}`,
        {
          wheelSet: name,
          enrollmentId: result.enrollmentId,
          pullRequestNumber: result.pullRequestNumber,
        },
      );
      outputPullRequest(ctx, result);
    },
  });
}
