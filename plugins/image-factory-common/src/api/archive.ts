import type { ImageEntityV1alpha1 } from '../kinds';
import type { BuildRun } from './builds';

/**
 * One change of an image's presence in images.yaml: it appeared
 * (`enrolled`), left (`unenrolled`) or came back (`re-enrolled`).
 *
 * @public
 */
export interface ImageHistoryEvent {
  /** What happened: it appeared, left or came back. */
  event: 'enrolled' | 'unenrolled' | 're-enrolled';
  /** ISO 8601. */
  at: string;
}

/**
 * An image that is no longer in images.yaml: the factory keeps its last
 * entry, its history and its builds.
 *
 * @public
 */
export interface ArchivedImage {
  /** The image's name in images.yaml. */
  name: string;
  /** The Image entity it was, e.g. `image:default/hello-web`. */
  entityRef: string;
  /** `managed`, `base` or `external`, as it last was. */
  type: string;
  /** Its canonical image reference, as it last was. */
  reference: string;
  /** Its owner's entity ref, as it last was. */
  owner: string;
  /** When the factory first saw it (ISO 8601). */
  firstSeenAt: string;
  /** When it left images.yaml (ISO 8601). */
  archivedAt: string;
  /** The Image entity of its last entry, when the factory recorded it. */
  entity?: ImageEntityV1alpha1;
  /** Its enrollments and un-enrollments, oldest first. */
  history: ImageHistoryEvent[];
  /** Its last build runs, newest first. */
  builds: BuildRun[];
}

/**
 * The answer of `GET /api/image-factory/images/archived`, newest
 * un-enrollment first.
 *
 * @public
 */
export interface ArchivedImageList {
  /** The archived images. */
  items: ArchivedImage[];
}
