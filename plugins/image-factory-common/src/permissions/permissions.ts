import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Enroll a new image (opens a pull request against images.yaml).
 *
 * @public
 */
export const imageFactoryEnrollPermission = createPermission({
  name: 'image-factory.image.enroll',
  attributes: { action: 'create' },
});

/**
 * Start a build of an image. Checked against the Image entity.
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
 * Promote a build to a lifecycle stage. Checked against the Image entity.
 *
 * @public
 */
export const imageFactoryPromotePermission = createPermission({
  name: 'image-factory.build.promote',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
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
 * Every permission of the Image Factory, for `permissionsRegistry.addPermissions`.
 *
 * @public
 */
export const imageFactoryPermissions = [
  imageFactoryEnrollPermission,
  imageFactoryBuildPermission,
  imageFactoryEmergencyRebuildPermission,
  imageFactoryPromotePermission,
  imageFactoryStatusReadPermission,
];
