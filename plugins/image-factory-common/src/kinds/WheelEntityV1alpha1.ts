import { Entity, entityKindSchemaValidator, KindValidator } from '@backstage/catalog-model';
import schema from './Wheel.v1alpha1.schema.json';

/**
 * A Python package the wheel refinery builds.
 *
 * @public
 */
export interface WheelEntityV1alpha1 extends Entity {
  apiVersion: 'imagefactory.dev/v1alpha1';
  kind: 'Wheel';
  spec: {
    package: string;
    owner?: string;
    versions: string[];
    targets: Array<{ python: string; platform: string }>;
    status: 'pending' | 'building' | 'built' | 'failed';
    /** Entity reference of the executor Provider. */
    builtBy?: string;
  };
}

const validator = entityKindSchemaValidator(schema);

/** @public */
export const wheelEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validator(data) === data;
  },
};

/** @public */
export function isWheelEntity(entity: Entity): entity is WheelEntityV1alpha1 {
  return entity.apiVersion === 'imagefactory.dev/v1alpha1' && entity.kind === 'Wheel';
}
