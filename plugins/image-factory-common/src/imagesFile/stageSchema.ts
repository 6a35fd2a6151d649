import { z } from 'zod/v4';
import { tryParseImageRef } from '../imageRef';
import { parseShortDuration, SHORT_DURATION } from './duration';

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const GITHUB_REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const BRANCH = /^(?!\/|.*\/\/|.*\/$|.*\.\.|.*@\{)[^\s~^:?*[\\]+$/;
/** An OCI tag (distribution-spec). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GROUP_REF = /^(?:group:)?(?:[a-z0-9_.-]+\/)?[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** `a.b[0].c`: keys and list indexes of a YAML path. */
const YAML_PATH =
  /^[A-Za-z0-9_-]+(?:\[\d+\])*(?:\.[A-Za-z0-9_-]+(?:\[\d+\])*)*$/;

const duration = z
  .string()
  .regex(SHORT_DURATION, "must be a duration such as '30m', '6h' or '1h30m'")
  .refine(d => !SHORT_DURATION.test(d) || parseShortDuration(d) !== undefined, {
    message: 'is too long to count in milliseconds',
  });

const relativeFile = z
  .string()
  .min(1)
  .refine(
    p =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      !p.includes('\0') &&
      !p.split('/').includes('..'),
    { message: 'must be a relative path inside the repository' },
  );

const checkSchema = z
  .object({
    name: z
      .string()
      .regex(NAME, 'must be lowercase letters, digits or dashes')
      .describe('Names the check in logs and on the Lifecycle tab.'),
    image: z
      .string()
      .refine(v => v === 'self' || tryParseImageRef(v).ok, {
        message: "must be 'self' or an image reference",
      })
      .optional()
      .describe(
        "What runs: 'self' (default, the version being promoted, by digest) or another image, e.g. a test runner.",
      ),
    command: z
      .array(z.string())
      .min(1, 'must name the program to run')
      .optional()
      .describe(
        "The command in exec form; default: the image's entrypoint and command.",
      ),
    env: z
      .record(z.string().regex(ENV_NAME, 'must be a variable name'), z.string())
      .optional()
      .describe('Environment variables of the run.'),
    timeout: duration
      .optional()
      .describe("How long the run may take, e.g. '5m' (default '10m')."),
    platforms: z
      .array(z.string())
      .optional()
      .describe(
        'The platforms it runs on (default: every platform of the image).',
      ),
  })
  .strict();

const updateSchema = z
  .object({
    repository: z
      .string()
      .regex(GITHUB_REPO, "must be 'owner/name'")
      .describe("GitHub repository as 'owner/name'."),
    branch: z
      .string()
      .regex(BRANCH, 'must be a valid git branch name')
      .optional()
      .describe(
        "Branch the pull request targets (default: the repository's default branch).",
      ),
    file: relativeFile.describe('The file, relative to the repository root.'),
    kind: z
      .enum(['kustomize', 'helm', 'manifest', 'dockerfile'])
      .describe(
        "How the file names the image: a kustomization's images entry, Helm values, a manifest's YAML path, a Dockerfile FROM.",
      ),
    path: z
      .string()
      .regex(
        YAML_PATH,
        "must be a YAML path such as 'spec.containers[0].image'",
      )
      .optional()
      .describe(
        "helm: the key of the image block (default 'image'); manifest: the YAML path of the image field (default: every image field naming the repository).",
      ),
  })
  .strict();

const stageObject = z
  .object({
    name: z
      .string()
      .regex(NAME, 'stage names must be lowercase letters, digits or dashes')
      .describe('The stage name (dev, staging, prod).'),
    tag: z
      .string()
      .regex(TAG, 'must be a registry tag (letters, digits, _ . -)')
      .optional()
      .describe(
        "The registry tag naming the stage's version (default: the name).",
      ),
    promotion: z
      .enum(['auto', 'manual', 'approval'])
      .optional()
      .describe(
        'auto: enters as soon as the stage before holds it (the first stage: when built); manual: a person promotes; approval: a person promotes, another approves. Default: auto for the first stage, manual for the others.',
      ),
    approvers: z
      .array(
        z
          .string()
          .regex(GROUP_REF, "must be a group such as 'group:default/platform'"),
      )
      .min(1, 'must name at least one group')
      .optional()
      .describe(
        'For promotion: approval, the groups whose members may approve.',
      ),
    soak: duration
      .optional()
      .describe(
        "Minimum time the version spent in the stage before, e.g. '1h'.",
      ),
    verify: z
      .array(checkSchema)
      .optional()
      .describe(
        'Checks that must pass for the exact digest before it enters the stage.',
      ),
    updates: z
      .array(updateSchema)
      .optional()
      .describe(
        'Files in other repositories pinned to the digest once it entered.',
      ),
  })
  .strict()
  .superRefine((stage, ctx) => {
    if (stage.approvers && stage.promotion !== 'approval') {
      ctx.addIssue({
        code: 'custom',
        path: ['approvers'],
        message: 'is only read with promotion: approval',
      });
    }
    const names = (stage.verify ?? []).map(c => c.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) {
      ctx.addIssue({
        code: 'custom',
        path: ['verify'],
        message: `names the check '${twice}' twice`,
      });
    }
  });

/**
 * The `stages` of an `images.yaml` entry: names, or mappings with a stage's
 * policy (tag, promotion, approvers, soak, verify, updates).
 *
 * @public
 */
export const stagesSchema = z
  .array(
    // A name alone is a stage with the default policy; read as a mapping so
    // that an error inside a mapping names its field (a union would not).
    z.preprocess(
      value => (typeof value === 'string' ? { name: value } : value),
      stageObject,
    ),
  )
  .superRefine((stages, ctx) => {
    const names = stages.map(s => s.name);
    const tags = stages.map(s => s.tag ?? s.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `names the stage '${n}' twice`,
        });
      } else if (tags.indexOf(tags[i]) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `uses the tag '${tags[i]}' of another stage`,
        });
      }
    });
  })
  .describe(
    'Lifecycle stages a build is promoted through, in order: names (dev, staging, prod) or mappings with the stage policy.',
  );
