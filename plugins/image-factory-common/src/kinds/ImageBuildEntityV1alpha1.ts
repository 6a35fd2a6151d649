import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import schema from './ImageBuild.v1alpha1.schema.json';

/** Why a build ran. @public */
export type BuildCause =
  | 'manual'
  | 'enrollment'
  | 'base-change'
  | 'emergency'
  | 'scheduled';

/**
 * One artifact the factory produced.
 *
 * @public
 */
export interface ImageBuildEntityV1alpha1 extends Entity {
  apiVersion: typeof IMAGE_FACTORY_API_VERSION;
  kind: 'ImageBuild';
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

/** @public */
export const imageBuildEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validator(data) === data;
  },
};

/** @public */
export function isImageBuildEntity(
  entity: Entity,
): entity is ImageBuildEntityV1alpha1 {
  return (
    entity.apiVersion === IMAGE_FACTORY_API_VERSION &&
    entity.kind === 'ImageBuild'
  );
}
