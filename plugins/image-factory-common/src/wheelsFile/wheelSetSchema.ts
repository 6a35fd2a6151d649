import { z } from 'zod/v4';
import {
  BRANCH,
  duration,
  GITHUB_REPO,
  NAME,
  OWNER,
  repoRelativePath,
} from '../imagesFile/fieldRules';
import { SUPPORTED_PLATFORMS } from '../imagesFile/schema';
import { parseRequirement } from './requirement';

const CPYTHON = /^cp3\d{1,2}$/;
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROJECT = /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;

const requirement = z.string().superRefine((text, ctx) => {
  const parsed = parseRequirement(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

/** Where a requirements (or constraints) file lives. */
const requirementsFileSchema = z
  .object({
    repo: z
      .string()
      .regex(GITHUB_REPO, "must be 'owner/name'")
      .describe('The GitHub repository holding the file.'),
    path: repoRelativePath().describe(
      'The file, relative to the repository root.',
    ),
    branch: z
      .string()
      .regex(BRANCH, 'must be a valid git branch name')
      .default('main')
      .describe('Default main.'),
  })
  .strict();

/** One Python × platforms pair the set is built for. */
const targetSchema = z
  .object({
    python: z
      .string()
      .regex(CPYTHON, "must be a CPython tag such as 'cp311'")
      .describe('The CPython of the builder, as in wheel tags: cp311.'),
    platforms: z
      .array(z.enum(SUPPORTED_PLATFORMS))
      .min(1, 'must list at least one platform')
      .describe(
        'Platforms to build wheels for; foreign ones run through QEMU.',
      ),
  })
  .strict();

/** One entry of the set's hint catalog (before the factory's defaults). */
const hintSchema = z
  .object({
    project: z
      .string()
      .regex(PROJECT, 'must be a project name')
      .optional()
      .describe('Only for this project; every project when absent.'),
    when: z
      .object({
        header: z.string().min(1).optional(),
        library: z.string().min(1).optional(),
        module: z.string().min(1).optional(),
      })
      .strict()
      .refine(w => Object.keys(w).length === 1, {
        message: 'must name exactly one of header, library or module',
      })
      .optional()
      .describe(
        "Applies on retry after a build missed this header ('ffi.h'), library ('ffi') or Python module ('Cython'); always when absent.",
      ),
    debianPackages: z
      .array(z.string().regex(DEBIAN_PACKAGE, 'must be a Debian package name'))
      .optional()
      .describe('Installed in the builder before the build.'),
    env: z
      .record(
        z.string().regex(ENV_NAME, 'variable names must be identifiers'),
        z.string(),
      )
      .optional()
      .describe('Environment of the build.'),
    configSettings: z
      .record(z.string().min(1), z.string())
      .optional()
      .describe("pip's --config-settings for the build backend."),
  })
  .strict()
  .refine(h => h.debianPackages || h.env || h.configSettings, {
    message: 'must add something: debianPackages, env or configSettings',
  });

/**
 * One wheel set of `wheels.yaml`.
 *
 * @public
 */
export const wheelSetSchema = z
  .object({
    name: z
      .string()
      .regex(
        NAME,
        'must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit',
      )
      .describe('Unique set name.'),
    owner: z
      .string()
      .regex(
        OWNER,
        "must be an entity reference such as 'group:default/data' or 'data'",
      )
      .describe('Owning group or user.'),
    title: z.string().min(1).optional(),
    description: z.string().optional(),
    requirements: z
      .array(requirement)
      .min(1, 'must list at least one requirement')
      .optional()
      .describe("PEP 508 requirements: 'MarkupSafe>=2.1,<3'."),
    requirementsFile: requirementsFileSchema
      .optional()
      .describe(
        'A requirements.txt in a repository, instead of or with requirements.',
      ),
    targets: z
      .array(targetSchema)
      .min(1, 'must list at least one target')
      .describe('Python × platforms to build for.'),
    builder: z
      .string()
      .regex(NAME, 'must be the name of an image in images.yaml')
      .describe(
        "The image of images.yaml builds run in (its newest build, by digest); when the factory rebuilds it, the set's wheels are built again. A name images.yaml does not have means the refinery's configured builder of each platform.",
      ),
    upstream: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .default('https://pypi.org/simple/')
      .describe('The PEP 503 index sdists come from (default PyPI).'),
    proxyUpstream: z
      .boolean()
      .default(false)
      .describe(
        'Whether the refinery index serves upstream files it did not build.',
      ),
    timeout: duration
      .default('30m')
      .describe('Per package build (default 30m).'),
    hints: z.array(hintSchema).optional(),
  })
  .strict()
  .refine(s => s.requirements || s.requirementsFile, {
    message: 'must have requirements, a requirementsFile, or both',
    path: ['requirements'],
    // Invalid requirements are reported as such, not as missing ones.
    when: payload => payload.issues.length === 0,
  })
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    set.targets.forEach((t, i) =>
      t.platforms.forEach((p, j) => {
        const key = `${t.python} ${p}`;
        if (seen.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['targets', i, 'platforms', j],
            message: `${t.python} × ${p} is listed twice`,
          });
        }
        seen.add(key);
      }),
    );
  });

/** A wheel set as read, with defaults. @public */
export type WheelSet = z.output<typeof wheelSetSchema>;
