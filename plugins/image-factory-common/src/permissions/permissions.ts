import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Enroll a new image, or re-enroll an archived one (opens a pull request
 * against images.yaml). Checked against the new image's owner (the Group or
 * User entity that images.yaml names as `owner`), since the Image entity does
 * not exist yet; a change that moves an image to another owner is checked
 * against that owner too.
 *
 * @public
 */
export const imageFactoryEnrollPermission = createPermission({
  name: 'image-factory.image.enroll',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Change an enrolled image (its type, source, platforms, …: a pull request
 * against images.yaml). Checked against the Image entity.
 *
 * @public
 */
export const imageFactoryChangePermission = createPermission({
  name: 'image-factory.image.change',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Un-enroll an image (a pull request that removes it from images.yaml).
 * Checked against the Image entity.
 *
 * @public
 */
export const imageFactoryUnenrollPermission = createPermission({
  name: 'image-factory.image.unenroll',
  attributes: { action: 'delete' },
  resourceType: 'catalog-entity',
});

/**
 * Start a build of an image ("Build now"), or cancel one of its runs.
 * Checked against the Image entity.
 *
 * @public
 */
export const imageFactoryBuildPermission = createPermission({
  name: 'image-factory.image.build',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Trigger an emergency rebuild (skips rebuild delays). Checked against the Image entity.
 *
 * @public
 */
export const imageFactoryEmergencyRebuildPermission = createPermission({
  name: 'image-factory.rebuild.emergency',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * The resource type of a lifecycle stage of an image, so that a policy can
 * decide per stage (rules `IS_STAGE`, `IS_IMAGE_OWNER`), e.g. restrict
 * promotions into prod to one group.
 *
 * @public
 */
export const IMAGE_FACTORY_STAGE_RESOURCE_TYPE = 'image-factory-stage';

/**
 * The resource ref of a stage: the Image entity ref, `/`, the stage name
 * (`image:default/web/prod`).
 *
 * @public
 */
export function stageResourceRef(imageEntityRef: string, stage: string) {
  return `${imageEntityRef}/${stage}`;
}

/**
 * Promote a version to a lifecycle stage of an image, or roll a stage back.
 * Checked against the stage (see {@link stageResourceRef}).
 *
 * @public
 */
export const imageFactoryPromotePermission = createPermission({
  name: 'image-factory.stage.promote',
  attributes: { action: 'update' },
  resourceType: IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
});

/**
 * Approve or reject a promotion waiting for approval. Checked against the
 * stage (see {@link stageResourceRef}); the stage's `approvers` in
 * images.yaml narrow it further to their members.
 *
 * @public
 */
export const imageFactoryApprovePermission = createPermission({
  name: 'image-factory.stage.approve',
  attributes: { action: 'update' },
  resourceType: IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
});

/**
 * Read the factory's operational status (images.yaml errors, providers).
 *
 * @public
 */
export const imageFactoryStatusReadPermission = createPermission({
  name: 'image-factory.status.read',
  attributes: { action: 'read' },
});

/**
 * Start a run of a wheel set in the refinery (plan it, then build what it
 * needs), or cancel one that has not ended. Not tied to a resource: wheel sets are not catalog entities.
 *
 * @public
 */
export const imageFactoryRefineryRunPermission = createPermission({
  name: 'image-factory.refinery.run',
  attributes: { action: 'create' },
});

/**
 * Ask for a wheel set to be enrolled, changed or un-enrolled (a pull request
 * against wheels.yaml). Not tied to a resource: wheel sets are not catalog
 * entities; the requester must also belong to the set's owner.
 *
 * @public
 */
export const imageFactoryWheelSetEnrollPermission = createPermission({
  name: 'image-factory.wheel-set.enroll',
  attributes: { action: 'create' },
});

/**
 * Every permission of the Image Factory, for `permissionsRegistry.addPermissions`.
 *
 * @public
 */
export const imageFactoryPermissions = [
  imageFactoryEnrollPermission,
  imageFactoryChangePermission,
  imageFactoryUnenrollPermission,
  imageFactoryBuildPermission,
  imageFactoryEmergencyRebuildPermission,
  imageFactoryPromotePermission,
  imageFactoryApprovePermission,
  imageFactoryStatusReadPermission,
  imageFactoryRefineryRunPermission,
  imageFactoryWheelSetEnrollPermission,
];
