import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import type { ImageStagePolicy } from '../api/stagePolicy';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import schema from './Image.v1alpha1.schema.json';

/**
 * How the factory treats an image: `managed` (the factory builds it), `base`
 * (others build FROM it) or `external` (used as is); see {@link IMAGE_TYPES}.
 *
 * @public
 */
export type ImageType = 'managed' | 'base' | 'external';

/**
 * A container image known to the Image Factory.
 *
 * @public
 */
export interface ImageEntityV1alpha1 extends Entity {
  /** Always {@link IMAGE_FACTORY_API_VERSION}. */
  apiVersion: typeof IMAGE_FACTORY_API_VERSION;
  /** Always `Image`. */
  kind: 'Image';
  /** The image: type, owner, reference (whole and in parts), how it is built and rebuilt, and its relations. */
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
    rebuild?: {
      auto?: boolean;
      delay?: string;
      coalesceWindow?: string;
      /** `hourly`, `daily`, `weekly`, `off` or a duration such as `7d`. */
      schedule?: string;
    };
    /** How often digests are checked: its bases (managed) or its reference (base, external). */
    watch?: { interval: string };
    /** How many builds stay in the registry under their versioned tags. */
    retention?: { keep: number };
    /** Lifecycle stage names, in order. */
    stages?: string[];
    /** Stage policies, when images.yaml gives more than the names. */
    stagePolicies?: ImageStagePolicy[];
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

/**
 * True when the entity has the Image Factory apiVersion and kind `Image`. It checks
 * only these two fields, not the spec.
 *
 * @public
 */
export function isImageEntity(entity: Entity): entity is ImageEntityV1alpha1 {
  return (
    entity.apiVersion === IMAGE_FACTORY_API_VERSION && entity.kind === 'Image'
  );
}
