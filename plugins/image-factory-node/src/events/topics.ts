/**
 * Events topic on which the Image Factory backend announces that
 * `images.yaml` changed (a pull request of the factory was merged), so that
 * the catalog module reads it at once instead of at its next scheduled run.
 *
 * @public
 */
export const IMAGES_FILE_CHANGED_TOPIC = 'image-factory.images-file.changed';

/**
 * Payload of {@link IMAGES_FILE_CHANGED_TOPIC} events.
 *
 * @public
 */
export interface ImagesFileChangedEvent {
  /** Why the file changed, e.g. `pull-request-merged`. */
  reason: string;
  /** The pull request that changed it, if any. */
  pullRequestUrl?: string;
}

/**
 * Events topic on which the Image Factory backend announces that a build run
 * succeeded, so that the catalog module updates the `ImageBuild` entities at
 * once instead of at its next scheduled run.
 *
 * @public
 */
export const BUILD_FINISHED_TOPIC = 'image-factory.build.finished';

/**
 * Payload of {@link BUILD_FINISHED_TOPIC} events.
 *
 * @public
 */
export interface BuildFinishedEvent {
  /** The run. */
  runId: string;
  /** The image's name in images.yaml. */
  imageName: string;
  /** The Image entity. */
  entityRef: string;
  /** Digest of the pushed image index. */
  indexDigest?: string;
}
