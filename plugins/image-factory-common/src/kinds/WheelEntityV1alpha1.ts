import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import schema from './Wheel.v1alpha1.schema.json';

/**
 * A Python package the wheel refinery builds.
 *
 * @public
 */
export interface WheelEntityV1alpha1 extends Entity {
  /** Always {@link IMAGE_FACTORY_API_VERSION}. */
  apiVersion: typeof IMAGE_FACTORY_API_VERSION;
  /** Always `Wheel`. */
  kind: 'Wheel';
  /** The package, its versions and targets, and the state of its build. */
  spec: {
    package: string;
    owner?: string;
    versions: string[];
    targets: Array<{ python: string; platform: string }>;
    status: 'pending' | 'building' | 'built' | 'failed';
    /** Entity reference of the executor Provider. */
    builtBy?: string;
    /** The wheel sets (in wheels.yaml) whose runs built it. */
    sets?: string[];
    /** The builder images that built it. */
    builtWith?: string[];
    /** Entity references of the Images (built by the factory) it was built in: `dependsOn` relations. */
    builderImages?: string[];
  };
}

const validator = entityKindSchemaValidator(schema);

/**
 * Validates Wheel entities against their JSON Schema: resolves to false for other
 * kinds and apiVersions, and throws naming the field for an invalid Wheel.
 *
 * @public
 */
export const wheelEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validator(data) === data;
  },
};

/**
 * True when the entity has the Image Factory apiVersion and kind `Wheel`. It checks
 * only these two fields, not the spec.
 *
 * @public
 */
export function isWheelEntity(entity: Entity): entity is WheelEntityV1alpha1 {
  return (
    entity.apiVersion === IMAGE_FACTORY_API_VERSION && entity.kind === 'Wheel'
  );
}
