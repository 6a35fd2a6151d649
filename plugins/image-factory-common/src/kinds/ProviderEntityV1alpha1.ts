import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import schema from './Provider.v1alpha1.schema.json';

/** @public */
export type ProviderType = 'executor' | 'registry' | 'source';

/**
 * An external system the factory uses.
 *
 * @public
 */
export interface ProviderEntityV1alpha1 extends Entity {
  apiVersion: typeof IMAGE_FACTORY_API_VERSION;
  kind: 'Provider';
  spec: {
    type: ProviderType;
    /** executor: docker, kubernetes, ssh; registry: oci, ghcr, dockerhub; source: github. */
    implementation: string;
    endpoint: string;
    owner?: string;
    capabilities?: {
      platforms?: string[];
      emulatedPlatforms?: string[];
      concurrency?: number;
    };
  };
}

const validator = entityKindSchemaValidator(schema);

/** @public */
export const providerEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validator(data) === data;
  },
};

/** @public */
export function isProviderEntity(
  entity: Entity,
): entity is ProviderEntityV1alpha1 {
  return (
    entity.apiVersion === IMAGE_FACTORY_API_VERSION &&
    entity.kind === 'Provider'
  );
}
