import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import schema from './ImageBuild.v1alpha1.schema.json';

/**
 * Why a build ran: asked for by a person (`manual`), the image's first sight
 * in images.yaml (`enrollment`), a change of its source, build args or
 * platforms there (`config-change`), a new base digest (`base-change`), an
 * emergency rebuild, or its `rebuild.schedule` (`scheduled`).
 *
 * @public
 */
export type BuildCause =
  | 'manual'
  | 'enrollment'
  | 'config-change'
  | 'base-change'
  | 'emergency'
  | 'scheduled';

/**
 * One artifact the factory produced.
 *
 * @public
 */
export interface ImageBuildEntityV1alpha1 extends Entity {
  /** Always {@link IMAGE_FACTORY_API_VERSION}. */
  apiVersion: typeof IMAGE_FACTORY_API_VERSION;
  /** Always `ImageBuild`. */
  kind: 'ImageBuild';
  /** What was built, from what, by which executor, and why. */
  spec: {
    /** Entity reference of the Image. */
    image: string;
    owner?: string;
    reference: string;
    digest: string;
    tags?: string[];
    platforms: Array<{ platform: string; digest: string }>;
    cause: BuildCause;
    stage?: string;
    builtFrom?: Array<{ reference: string; digest: string }>;
    /** Entity reference of the executor Provider. */
    producedBy?: string;
    createdAt?: string;
  };
}

const validator = entityKindSchemaValidator(schema);

/**
 * Validates ImageBuild entities against their JSON Schema: resolves to false for other
 * kinds and apiVersions, and throws naming the field for an invalid ImageBuild.
 *
 * @public
 */
export const imageBuildEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validator(data) === data;
  },
};

/**
 * True when the entity has the Image Factory apiVersion and kind `ImageBuild`. It checks
 * only these two fields, not the spec.
 *
 * @public
 */
export function isImageBuildEntity(
  entity: Entity,
): entity is ImageBuildEntityV1alpha1 {
  return (
    entity.apiVersion === IMAGE_FACTORY_API_VERSION &&
    entity.kind === 'ImageBuild'
  );
}
