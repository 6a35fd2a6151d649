import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import {
  createPermissionResourceRef,
  PermissionRule,
} from '@backstage/plugin-permission-node';

/**
 * A lifecycle stage of an image, as permission rules see it.
 *
 * @public
 */
export interface StageResource {
  /** The Image entity ref. */
  imageRef: string;
  /** The stage's name, e.g. `prod`. */
  stage: string;
  /** The image's owner (entity ref). */
  owner: string;
}

/**
 * A filter the rules give for queries; stages are never listed by query.
 *
 * @public
 */
export type StageQuery = {
  /** Only these stages. */
  stages?: string[];
  /** Only stages of images owned by these (entity refs). */
  owners?: string[];
};

/** The stage resource type of the `image-factory` plugin. */
export const stageResourceRef = createPermissionResourceRef<
  StageResource,
  StageQuery
>().with({
  pluginId: 'image-factory',
  resourceType: IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
});

/** `IS_STAGE`: the stage is one of `stages` (e.g. only dev and staging). */
export const isStageRule: PermissionRule<
  StageResource,
  StageQuery,
  typeof IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
  { stages: string[] }
> = {
  name: 'IS_STAGE',
  description:
    'Allow only the lifecycle stages named (params: { stages: string[] })',
  resourceType: IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
  apply: (resource, { stages }) => stages.includes(resource.stage),
  toQuery: ({ stages }) => ({ stages }),
};

/** `IS_IMAGE_OWNER`: the image's owner is one of `claims` (the user's ownership refs). */
export const isImageOwnerRule: PermissionRule<
  StageResource,
  StageQuery,
  typeof IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
  { claims: string[] }
> = {
  name: 'IS_IMAGE_OWNER',
  description:
    'Allow only the stages of images owned by one of the claims (params: { claims: string[] }, usually the user and their groups)',
  resourceType: IMAGE_FACTORY_STAGE_RESOURCE_TYPE,
  apply: (resource, { claims }) => claims.includes(resource.owner),
  toQuery: ({ claims }) => ({ owners: claims }),
};

/**
 * Reads a stage resource ref (`image:default/web/prod`) back into the
 * stage, or undefined for an unknown image or stage.
 */
export function resolveStageResource(
  ref: string,
  findImage: (name: string) => ImageEntityV1alpha1 | undefined,
): StageResource | undefined {
  const slash = ref.lastIndexOf('/');
  if (slash < 0) return undefined;
  const stage = ref.slice(slash + 1);
  let name: string;
  try {
    const entity = parseEntityRef(ref.slice(0, slash));
    if (entity.kind.toLowerCase() !== 'image') return undefined;
    name = entity.name;
  } catch {
    return undefined;
  }
  const image = findImage(name);
  if (!image || !(image.spec.stages ?? []).includes(stage)) return undefined;
  const owner = image.spec.owner.includes(':')
    ? image.spec.owner
    : `group:${image.spec.owner}`;
  return {
    imageRef: stringifyEntityRef(image),
    stage,
    owner: stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group' })),
  };
}
