import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import schema from './Provider.v1alpha1.schema.json';

/**
 * What a Provider is for: `executor` (runs builds), `registry` (stores images) or
 * `source` (hosts the repositories images are built from).
 *
 * @public
 */
export type ProviderType = 'executor' | 'registry' | 'source';

/**
 * An external system the factory uses.
 *
 * @public
 */
export interface ProviderEntityV1alpha1 extends Entity {
  /** Always {@link IMAGE_FACTORY_API_VERSION}. */
  apiVersion: typeof IMAGE_FACTORY_API_VERSION;
  /** Always `Provider`. */
  kind: 'Provider';
  /** What the provider is, where it is reached, and, for an executor, what it can build. */
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

/**
 * Validates Provider entities against their JSON Schema: resolves to false for other
 * kinds and apiVersions, and throws naming the field for an invalid Provider.
 *
 * @public
 */
export const providerEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validator(data) === data;
  },
};

/**
 * True when the entity has the Image Factory apiVersion and kind `Provider`. It checks
 * only these two fields, not the spec.
 *
 * @public
 */
export function isProviderEntity(
  entity: Entity,
): entity is ProviderEntityV1alpha1 {
  return (
    entity.apiVersion === IMAGE_FACTORY_API_VERSION &&
    entity.kind === 'Provider'
  );
}
