import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import schema from './Image.v1alpha1.schema.json';

/** @public */
export type ImageType = 'managed' | 'base' | 'external';

/**
 * A container image known to the Image Factory.
 *
 * @public
 */
export interface ImageEntityV1alpha1 extends Entity {
  apiVersion: typeof IMAGE_FACTORY_API_VERSION;
  kind: 'Image';
  spec: {
    type: ImageType;
    owner: string;
    /** Canonical reference, `registry/repository[:tag][@digest]`. */
    reference: string;
    registry: string;
    repository: string;
    tag?: string;
    digest?: string;
    platforms: string[];
    source?: {
      provider: 'github';
      repo: string;
      branch: string;
      dockerfile: string;
      context: string;
    };
    buildArgs?: Record<string, string>;
    rebuild?: { auto?: boolean; delay?: string; coalesceWindow?: string };
    stages?: string[];
    /** Entity references of the Images this image is built FROM. */
    dependsOn?: string[];
    /** Entity reference of the registry Provider. */
    providedBy?: string;
  };
}

const validator = entityKindSchemaValidator(schema);

/**
 * Validates Image entities: returns false for other kinds, throws naming the field for a bad Image.
 *
 * @public
 */
export const imageEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validator(data) === data;
  },
};

/** @public */
export function isImageEntity(entity: Entity): entity is ImageEntityV1alpha1 {
  return (
    entity.apiVersion === IMAGE_FACTORY_API_VERSION && entity.kind === 'Image'
  );
}
