import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
} from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  imageFactoryKindValidators,
  isImageBuildEntity,
  isImageEntity,
  isProviderEntity,
  isWheelEntity,
  RELATION_BUILD_OF,
  RELATION_HAS_BUILD,
  RELATION_PROVIDED_BY,
  RELATION_PROVIDER_OF,
} from '@image-factory/plugin-image-factory-common';

/**
 * Validates the Image, ImageBuild, Wheel and Provider kinds and emits their
 * relations in both directions (ownedBy/ownerOf, dependsOn/dependencyOf,
 * providedBy/providerOf, buildOf/hasBuild).
 *
 * @public
 */
export class ImageFactoryEntitiesProcessor implements CatalogProcessor {
  /** Returns `ImageFactoryEntitiesProcessor`. */
  getProcessorName(): string {
    return 'ImageFactoryEntitiesProcessor';
  }

  /**
   * True for a valid Image, ImageBuild, Wheel or Provider entity; false for any
   * other kind; throws naming the field when one of these four kinds is invalid.
   */
  async validateEntityKind(entity: Entity): Promise<boolean> {
    for (const validator of imageFactoryKindValidators) {
      if (await validator.check(entity)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Emits the relations of an Image Factory entity, each in both directions, and
   * returns the entity unchanged. Other kinds pass through without relations.
   */
  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const self = getCompoundEntityRef(entity);
    const relate = (
      target: string | undefined,
      defaultKind: string,
      outgoing: string,
      incoming: string,
    ) => {
      if (!target) return;
      const other = parseEntityRef(target, {
        defaultKind,
        defaultNamespace: self.namespace,
      });
      emit(
        processingResult.relation({
          source: self,
          type: outgoing,
          target: other,
        }),
      );
      emit(
        processingResult.relation({
          source: other,
          type: incoming,
          target: self,
        }),
      );
    };
    const owned = (owner: string | undefined) =>
      relate(owner, 'group', RELATION_OWNED_BY, RELATION_OWNER_OF);
    const providedBy = (provider: string | undefined) =>
      relate(provider, 'provider', RELATION_PROVIDED_BY, RELATION_PROVIDER_OF);

    if (isImageEntity(entity)) {
      owned(entity.spec.owner);
      providedBy(entity.spec.providedBy);
      for (const base of entity.spec.dependsOn ?? []) {
        relate(base, 'image', RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF);
      }
    } else if (isImageBuildEntity(entity)) {
      owned(entity.spec.owner);
      relate(entity.spec.image, 'image', RELATION_BUILD_OF, RELATION_HAS_BUILD);
      providedBy(entity.spec.producedBy);
    } else if (isWheelEntity(entity)) {
      owned(entity.spec.owner);
      providedBy(entity.spec.builtBy);
      // Built in an image the factory builds: a rebuild of it rebuilds the wheel.
      for (const image of entity.spec.builderImages ?? []) {
        relate(image, 'image', RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF);
      }
    } else if (isProviderEntity(entity)) {
      owned(entity.spec.owner);
    }
    return entity;
  }
}
