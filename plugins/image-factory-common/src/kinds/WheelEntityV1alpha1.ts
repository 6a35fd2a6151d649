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
  apiVersion: typeof IMAGE_FACTORY_API_VERSION;
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
  return (
    entity.apiVersion === IMAGE_FACTORY_API_VERSION && entity.kind === 'Wheel'
  );
}
