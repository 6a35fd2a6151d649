/**
 * The `apiVersion` of every entity kind the Image Factory defines.
 *
 * @public
 */
export const IMAGE_FACTORY_API_VERSION = 'imagefactory.dev/v1alpha1';

/** Prefix of every Image Factory annotation. */
const ANNOTATION_PREFIX = 'imagefactory.dev';

/**
 * The `images.yaml` location an Image entity was read from.
 *
 * @public
 */
export const ANNOTATION_IMAGE_FACTORY_IMAGES_FILE = `${ANNOTATION_PREFIX}/images-file`;

/**
 * The path of the entry inside `images.yaml` (for example `images[3]`), so that
 * errors and pull requests can point at it.
 *
 * @public
 */
export const ANNOTATION_IMAGE_FACTORY_ENTRY = `${ANNOTATION_PREFIX}/entry`;

/**
 * The canonical image reference of an entity (`registry/repository[:tag][@digest]`),
 * set on Image and ImageBuild entities for search and for other plugins.
 *
 * @public
 */
export const ANNOTATION_IMAGE_FACTORY_REFERENCE = `${ANNOTATION_PREFIX}/reference`;

/**
 * The build run an ImageBuild entity was produced by (the run's id), so that
 * its page can show the run's inputs and link to it in the Builds tab.
 *
 * @public
 */
export const ANNOTATION_IMAGE_FACTORY_RUN_ID = `${ANNOTATION_PREFIX}/run-id`;

/**
 * The id of the Provider in the `imageFactory` config that a Provider entity stands for.
 *
 * @public
 */
export const ANNOTATION_IMAGE_FACTORY_PROVIDER_ID = `${ANNOTATION_PREFIX}/provider-id`;

/**
 * An Image (or ImageBuild, Wheel) is provided by a Provider entity.
 *
 * @public
 */
export const RELATION_PROVIDED_BY = 'providedBy';

/**
 * Inverse of {@link RELATION_PROVIDED_BY}.
 *
 * @public
 */
export const RELATION_PROVIDER_OF = 'providerOf';

/**
 * An ImageBuild is a build of an Image.
 *
 * @public
 */
export const RELATION_BUILD_OF = 'buildOf';

/**
 * Inverse of {@link RELATION_BUILD_OF}.
 *
 * @public
 */
export const RELATION_HAS_BUILD = 'hasBuild';

/**
 * Annotation prefix of an Image's stage digests: `stage.imagefactory.dev/<stage>`
 * holds the digest the stage holds (`stage.imagefactory.dev/prod: sha256:…`),
 * so that the catalog can be searched by them.
 *
 * @public
 */
export const ANNOTATION_STAGE_PREFIX = `stage.${ANNOTATION_PREFIX}`;

/**
 * Annotation listing the stages of an Image whose version was built on a base
 * digest replaced longer than `imageFactory.lifecycle.staleAfter` ago
 * (`prod,staging`), for catalog filters such as "images whose prod is stale".
 *
 * @public
 */
export const ANNOTATION_IMAGE_FACTORY_STALE_STAGES = `${ANNOTATION_PREFIX}/stale-stages`;
