import { z } from 'zod/v4';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import { tryParseImageRef } from '../imageRef';
import {
  BRANCH,
  duration,
  GITHUB_REPO,
  NAME,
  OWNER,
  repoRelativePath,
} from './fieldRules';
import { stagesSchema } from './stageSchema';
import {
  parseRebuildSchedule,
  REBUILD_SCHEDULE,
  REBUILD_SCHEDULE_RULE,
} from './rebuildSchedule';

/** Platforms the factory can build for (`os/arch[/variant]`). @public */
export const SUPPORTED_PLATFORMS = [
  'linux/amd64',
  'linux/arm64',
  'linux/s390x',
  'linux/ppc64le',
  'linux/riscv64',
  'linux/386',
  'linux/arm/v7',
  'linux/arm/v6',
] as const;

/** The image types: `managed` (the factory builds it), `base` (others build FROM it), `external` (used as is). @public */
export const IMAGE_TYPES = ['managed', 'base', 'external'] as const;

const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Catalog tags follow Backstage's rule (catalog-model, makeValidator's isValidTag). */
const CATALOG_TAG = /^[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*$/;

const imageReference = z.string().superRefine((value, ctx) => {
  const result = tryParseImageRef(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.error });
  }
});

/**
 * The `source` of an `images.yaml` entry: the repository, branch, Dockerfile and
 * build context an image is built from.
 *
 * @public
 */
export const imageSourceSchema = z
  .object({
    provider: z
      .enum(['github'])
      .default('github')
      .describe('Source host the repository lives on.'),
    repo: z
      .string()
      .regex(GITHUB_REPO, "must be 'owner/name'")
      .describe("Repository as 'owner/name'."),
    branch: z
      .string()
      .regex(BRANCH, 'must be a valid git branch name')
      .default('main')
      .describe("Branch to build from (default 'main')."),
    dockerfile: repoRelativePath()
      .default('Dockerfile')
      .describe(
        "Path of the Dockerfile, relative to the repository root and inside it (default 'Dockerfile').",
      ),
    context: repoRelativePath()
      .default('.')
      .describe(
        "Build context directory, relative to the repository root and inside it (default '.').",
      ),
  })
  .strict();

/**
 * The `rebuild` policy of an `images.yaml` entry: whether and when the image is
 * rebuilt after a base image changes. `rebuildPolicySchema.parse({})` gives the defaults.
 *
 * @public
 */
export const rebuildPolicySchema = z
  .object({
    auto: z
      .boolean()
      .default(true)
      .describe(
        'Rebuild automatically when a base image changes (default true).',
      ),
    delay: duration
      .default('0s')
      .describe(
        "How long a new base digest must have been seen before the rebuild, e.g. '1h' or '2d' (default '0s').",
      ),
    coalesceWindow: duration
      .default('30m')
      .describe(
        "Quiet period in which several base changes coalesce into one rebuild (default '30m').",
      ),
    schedule: z
      .string()
      .regex(REBUILD_SCHEDULE, REBUILD_SCHEDULE_RULE)
      .refine(
        s => !REBUILD_SCHEDULE.test(s) || parseRebuildSchedule(s) !== undefined,
        { message: REBUILD_SCHEDULE_RULE },
      )
      .optional()
      .describe(
        "Build again on a schedule (cause 'scheduled'), so fixes inside unchanged bases are picked up: 'hourly', 'daily', 'weekly', a duration of at least 1h such as '12h' or '7d', or 'off'. The run is skipped when nothing it is built from changed. Default: imageFactory.rebuilds.defaultSchedule, else off.",
      ),
  })
  .strict();

const imageEntryFields = z
  .object({
    name: z
      .string()
      .regex(
        NAME,
        'must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit',
      )
      .describe('Unique image name; also the catalog entity name.'),
    type: z
      .enum(IMAGE_TYPES)
      .describe(
        'managed: the factory builds and pushes it; base: others build FROM it, and the factory builds it when it has a source; external: used as is, only watched.',
      ),
    owner: z
      .string()
      .regex(
        OWNER,
        "must be an entity reference such as 'group:default/platform' or 'platform'",
      )
      .describe(
        "Owning group or user as an entity reference: 'platform-team', 'group:default/platform-team' or 'user:jane'.",
      ),
    title: z.string().min(1).optional().describe('Display title.'),
    description: z.string().optional().describe('What the image is for.'),
    reference: imageReference.describe(
      "Image reference, read like Docker reads it ('nginx' is docker.io/library/nginx). For managed images: where builds are pushed (registry/repository[:tag], no digest); for base and external images: what is watched.",
    ),
    platforms: z
      .array(z.enum(SUPPORTED_PLATFORMS))
      .min(1, 'must list at least one platform')
      .default(['linux/amd64'])
      .describe(
        "Platforms the image is built for or watched on, each once (default ['linux/amd64']).",
      ),
    source: imageSourceSchema
      .optional()
      .describe(
        'Where the Dockerfile lives. Required for managed images, optional for base images, not allowed for external ones.',
      ),
    buildArgs: z
      .record(
        z
          .string()
          .regex(BUILD_ARG, 'build arg names must be valid identifiers'),
        z.string(),
      )
      .optional()
      .describe('Build arguments passed to every build.'),
    rebuild: rebuildPolicySchema
      .optional()
      .describe('When to rebuild after a base image changes.'),
    watch: z
      .object({
        interval: duration.describe(
          "How often the factory checks for a new digest, e.g. '6h' (default: the registry's interval, or imageFactory.tracking.interval, 24h).",
        ),
      })
      .strict()
      .optional()
      .describe(
        'Digest checks of what this image is built FROM (managed) or of its own reference (base, external); the shortest interval of the images sharing a reference wins.',
      ),
    retention: z
      .object({
        keep: z
          .number()
          .int('must be a whole number')
          .min(1, 'must keep at least the current build')
          .max(1000, 'must be at most 1000')
          .describe(
            'How many builds stay in the registry under their versioned tags (the newest; the current one always stays).',
          ),
      })
      .strict()
      .optional()
      .describe(
        'Which earlier builds stay in the registry (default: imageFactory.builds.retention.keep, 10).',
      ),
    stages: stagesSchema.optional(),
    tags: z
      .array(
        z
          .string()
          .max(63, 'catalog tags must be at most 63 characters')
          .regex(
            CATALOG_TAG,
            "catalog tags must be lowercase letters, digits, ':', '+' or '#', separated by '-'",
          ),
      )
      .optional()
      .describe("Catalog tags for the entity: lowercase words joined by '-'."),
  })
  .strict();

/**
 * Rules across the fields of an entry. zod skips checks once a field has failed;
 * this one runs anyway, so that one read names every problem of an entry, and
 * skips by itself the rules whose fields failed.
 */
const crossFieldRules = z.check<z.output<typeof imageEntryFields>>(payload => {
  // zod leaves an invalid field out of the value: a rule reading it would
  // report it a second time under another name.
  const broken = new Set(payload.issues.map(issue => String(issue.path?.[0])));
  const valid = (...fields: string[]) => fields.every(f => !broken.has(f));
  const entry = payload.value;
  // An entry that is not even a mapping has nothing to compare.
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return;
  }
  const fail = (field: string, message: string) =>
    payload.issues.push({
      code: 'custom',
      path: [field],
      message,
      input: entry,
    });
  if (entry.type === 'managed' && valid('type', 'source') && !entry.source) {
    fail('source', 'is required for a managed image');
  }
  if (entry.type === 'managed' && valid('type', 'reference')) {
    const ref = tryParseImageRef(entry.reference);
    if (ref.ok && ref.ref.digest) {
      fail(
        'reference',
        'a managed image is pushed by tag and must not pin a digest',
      );
    }
  }
  if (entry.type === 'external' && valid('type', 'source') && entry.source) {
    fail('source', 'is only allowed for managed and base images');
  }
  if (
    valid('platforms') &&
    new Set(entry.platforms).size !== entry.platforms.length
  ) {
    fail('platforms', 'must not list a platform twice');
  }
  if (valid('platforms', 'stages')) {
    for (const stage of entry.stages ?? []) {
      for (const check of stage.verify ?? []) {
        const platforms: readonly string[] = entry.platforms;
        const other = check.platforms?.find(p => !platforms.includes(p));
        if (other) {
          fail(
            'stages',
            `stage ${stage.name}: check ${check.name} runs on ${other}, which the image is not built for`,
          );
        }
      }
    }
  }
});
crossFieldRules._zod.def.when = () => true;

/**
 * One entry of `images.yaml`. Beyond the fields, it requires a `source` for
 * managed images, forbids one for external images, forbids a digest in the
 * reference of a managed image, and forbids listing a platform twice.
 *
 * @public
 */
export const imageEntrySchema = imageEntryFields.check(crossFieldRules);

/**
 * The top level of `images.yaml`. Entries are validated one by one (see
 * `parseImagesFile`), so here they are only required to be a list.
 *
 * @public
 */
export const imagesFileSchema = z
  .object({
    apiVersion: z
      .literal(IMAGE_FACTORY_API_VERSION)
      .optional()
      .describe('Version of the images.yaml format.'),
    images: z
      .array(imageEntrySchema)
      .default([])
      .describe('The images the factory knows.'),
  })
  .strict();

/** One validated entry of `images.yaml`, with defaults applied. @public */
export type ImageEntry = z.output<typeof imageEntrySchema>;
/** An entry as written in `images.yaml`, before defaults. @public */
export type ImageEntryInput = z.input<typeof imageEntrySchema>;
