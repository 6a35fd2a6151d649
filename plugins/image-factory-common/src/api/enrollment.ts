import { z } from 'zod/v4';
import { IMAGE_TYPES, imageEntrySchema } from '../imagesFile/schema';
import { wheelSetSchema } from '../wheelsFile/wheelSetSchema';

/**
 * What a change request does to `images.yaml`: add an entry, remove one, or
 * change the fields of one.
 *
 * @public
 */
export type EnrollmentAction = 'enroll' | 'unenroll' | 'change';

/**
 * The state of a change request's pull request: `open` until a reviewer
 * merges it (the approval) or closes it.
 *
 * @public
 */
export type EnrollmentState = 'open' | 'merged' | 'closed';

/**
 * What a change request edits: an image of `images.yaml` or a wheel set of
 * the refinery's `wheels.yaml` (in the same config repository).
 *
 * @public
 */
export type EnrollmentSubject = 'image' | 'wheel-set';

/**
 * The pull request that carries a change request.
 *
 * @public
 */
export interface EnrollmentPullRequest {
  /** The config repository, `owner/name`. */
  repo: string;
  /** The pull request's number in the repository. */
  number: number;
  /** The page a reviewer opens. */
  url: string;
  /** The head branch, `image-factory/<action>-<name>`. */
  branch: string;
}

/**
 * A change to `images.yaml` asked for from the portal: an enrollment, an
 * un-enrollment or a change of an image, carried by a GitHub pull request.
 *
 * @public
 */
export interface Enrollment {
  /** Stable id (UUID). */
  id: string;
  /** What the change does to images.yaml (or wheels.yaml). */
  action: EnrollmentAction;
  /** What it edits; `image` when absent. */
  subject?: EnrollmentSubject;
  /**
   * The image's name in `images.yaml`, also its catalog entity name; for a
   * `wheel-set` request, the set's name in `wheels.yaml`.
   */
  imageName: string;
  /** The state of the pull request, as last seen. */
  state: EnrollmentState;
  /** Entity ref of the user who asked, e.g. `user:default/jane`. */
  requestedBy: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; when the state last changed. */
  updatedAt: string;
  /** One line a reviewer reads first, also the PR title. */
  summary: string;
  /** Why the change was asked for, as the requester wrote it. */
  reason?: string;
  /** The entry as it will be in `images.yaml` (absent for `unenroll`). */
  entry?: Record<string, unknown>;
  /** The pull request that carries the change. */
  pullRequest: EnrollmentPullRequest;
  /**
   * What the factory last did to keep the pull request mergeable while the
   * base branch moved; absent until the base branch first moved.
   */
  sync?: EnrollmentSync;
}

/**
 * How a change request's pull request follows its base branch: the factory
 * owns the branch, so when the base branch moves it re-applies the change on
 * the new head (`reapplied`); when the same entry was changed by someone else
 * meanwhile it cannot, and says what to do (`conflict`); when somebody else
 * pushed to the branch it leaves it alone (`foreign-commits`).
 *
 * @public
 */
export type EnrollmentSyncState = 'reapplied' | 'conflict' | 'foreign-commits';

/**
 * What the factory last did to the branch of an open change request.
 *
 * @public
 */
export interface EnrollmentSync {
  /** What happened. */
  state: EnrollmentSyncState;
  /** One or two sentences for the requester: what happened and, for a conflict, what to do. */
  message: string;
  /** ISO 8601. */
  at: string;
  /** The base branch's commit the change was last applied to (or found conflicting with). */
  baseSha: string;
}

/**
 * The answer to a request that creates a change request. `reused` is true when
 * a pull request for the same change was already open and is returned instead
 * of a second one (HTTP 200 rather than 201).
 *
 * @public
 */
export interface EnrollmentResponse {
  /** The change request, new or reused. */
  enrollment: Enrollment;
  /** True when an open pull request for the same change was returned. */
  reused: boolean;
}

/**
 * The answer of `GET /api/image-factory/enrollments`.
 *
 * @public
 */
export interface EnrollmentList {
  /** Newest first. */
  items: Enrollment[];
}

/**
 * Sent as `true` to enroll (or change) an image whose platforms include one no
 * configured executor builds yet: without it such a request is refused with a
 * 400 naming each such platform.
 */
const acceptUnbuiltPlatforms = z
  .boolean()
  .optional()
  .describe(
    'Confirms that platforms no configured executor builds yet may be listed; their builds wait until such an executor is added.',
  );

const reason = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .optional()
  .describe('Why the change is asked for; shown in the pull request.');

/**
 * The body of `POST /api/image-factory/enrollments`: the new `images.yaml`
 * entry, validated like the file itself.
 *
 * @public
 */
export const enrollImageRequestSchema = z
  .object({
    image: imageEntrySchema.describe('The new entry of images.yaml.'),
    reason,
    acceptUnbuiltPlatforms,
  })
  .strict();

/**
 * The body of `POST /api/image-factory/enrollments`.
 *
 * @public
 */
export type EnrollImageRequest = z.input<typeof enrollImageRequestSchema>;

/**
 * The body of `POST /api/image-factory/images/:name/unenroll`.
 *
 * @public
 */
export const unenrollImageRequestSchema = z.object({ reason }).strict();

/**
 * The body of `POST /api/image-factory/images/:name/unenroll`.
 *
 * @public
 */
export type UnenrollImageRequest = z.input<typeof unenrollImageRequestSchema>;

/**
 * The body of `POST /api/image-factory/images/:name/changes`: fields of the
 * entry to set; `null` removes an optional field (for instance `source` when
 * the image becomes `external`). The name cannot change: it is the entity's
 * identity, which keeps the image's history. The changed entry is validated
 * like `images.yaml` itself.
 *
 * @public
 */
export const changeImageRequestSchema = z
  .object({
    changes: z
      .object({
        type: z.enum(IMAGE_TYPES).optional(),
        owner: z.string().optional(),
        title: z.string().nullable().optional(),
        description: z.string().nullable().optional(),
        reference: z.string().optional(),
        platforms: z.array(z.string()).optional(),
        source: z.record(z.string(), z.unknown()).nullable().optional(),
        buildArgs: z.record(z.string(), z.string()).nullable().optional(),
        rebuild: z.record(z.string(), z.unknown()).nullable().optional(),
        stages: z.array(z.string()).nullable().optional(),
        tags: z.array(z.string()).nullable().optional(),
      })
      .strict()
      .refine(c => Object.keys(c).length > 0, {
        message: 'must change at least one field',
      })
      .describe(
        'Fields to set; null removes an optional field. Checked again as a whole entry.',
      ),
    reason,
    acceptUnbuiltPlatforms,
  })
  .strict();

/**
 * The body of `POST /api/image-factory/images/:name/changes`.
 *
 * @public
 */
export type ChangeImageRequest = z.input<typeof changeImageRequestSchema>;

/**
 * The body of `POST /api/image-factory/refinery/sets`: the new `wheels.yaml`
 * entry, validated like the file itself.
 *
 * @public
 */
export const enrollWheelSetRequestSchema = z
  .object({
    set: wheelSetSchema.describe('The new entry of wheels.yaml.'),
    reason,
  })
  .strict();

/**
 * The body of `POST /api/image-factory/refinery/sets`.
 *
 * @public
 */
export type EnrollWheelSetRequest = z.input<typeof enrollWheelSetRequestSchema>;

/**
 * The body of `POST /api/image-factory/refinery/sets/:name/changes`: fields
 * of the set to set; `null` removes an optional field. The name cannot
 * change. The changed set is validated like `wheels.yaml` itself.
 *
 * @public
 */
export const changeWheelSetRequestSchema = z
  .object({
    changes: z
      .object({
        owner: z.string().optional(),
        title: z.string().nullable().optional(),
        description: z.string().nullable().optional(),
        requirements: z.array(z.string()).nullable().optional(),
        requirementsFile: z
          .record(z.string(), z.unknown())
          .nullable()
          .optional(),
        targets: z.array(z.record(z.string(), z.unknown())).optional(),
        builder: z.string().optional(),
        upstream: z.string().nullable().optional(),
        proxyUpstream: z.boolean().nullable().optional(),
        timeout: z.string().nullable().optional(),
        hints: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
      })
      .strict()
      .refine(c => Object.keys(c).length > 0, {
        message: 'must change at least one field',
      })
      .describe(
        'Fields to set; null removes an optional field. Checked again as a whole set.',
      ),
    reason,
  })
  .strict();

/**
 * The body of `POST /api/image-factory/refinery/sets/:name/changes`.
 *
 * @public
 */
export type ChangeWheelSetRequest = z.input<typeof changeWheelSetRequestSchema>;
