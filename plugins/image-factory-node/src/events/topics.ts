/**
 * Events topic on which the Image Factory backend announces that
 * `images.yaml` changed (a read found new content, or a pull request of the
 * factory was merged), so that the catalog module gets the new images from the
 * backend at once instead of at its next scheduled run.
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
  /** Why the file changed: `new-revision` (a read found new content) or `pull-request-merged`. */
  reason: string;
  /** `sha256:<hex>` of the content read, for `new-revision`. */
  revision?: string;
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

/**
 * Events topic on which the Image Factory backend announces that a version
 * entered a lifecycle stage (a promotion or a rollback moved its tag), so
 * that the catalog module shows the stage state at once.
 *
 * @public
 */
export const STAGE_CHANGED_TOPIC = 'image-factory.stage.changed';

/**
 * Payload of {@link STAGE_CHANGED_TOPIC} events.
 *
 * @public
 */
export interface StageChangedEvent {
  /** The image's name in images.yaml. */
  imageName: string;
  /** The stage. */
  stage: string;
  /** The digest it holds now. */
  digest: string;
}

/**
 * Events topic on which the Image Factory backend announces that the wheel
 * refinery's wheels changed (a run ended, a build published or failed), so
 * that the catalog module updates the `Wheel` entities at once.
 *
 * @public
 */
export const REFINERY_CHANGED_TOPIC = 'image-factory.refinery.changed';

/**
 * Events topic on which the Image Factory backend announces that the
 * dependency graph changed (Dockerfiles were read and the bases of some
 * images became known or changed), so that the catalog module sends the
 * Images' `dependsOn` at once.
 *
 * @public
 */
export const GRAPH_CHANGED_TOPIC = 'image-factory.graph.changed';

/**
 * Payload of {@link GRAPH_CHANGED_TOPIC} events.
 *
 * @public
 */
export interface GraphChangedEvent {
  /** How many images' Dockerfiles were read with new results. */
  analyzed: number;
  /** How many images' Dockerfiles could not be read or analyzed. */
  failed: number;
}
