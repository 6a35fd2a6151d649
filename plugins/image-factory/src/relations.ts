import {
  RELATION_BUILD_OF,
  RELATION_HAS_BUILD,
  RELATION_PROVIDED_BY,
  RELATION_PROVIDER_OF,
} from '@image-factory/plugin-image-factory-common';

/**
 * The relation pairs the Image Factory adds to the catalog, primary relation
 * first, in the shape `EntityCatalogGraphCard`'s `relationPairs` prop takes.
 * Append them to `ALL_RELATION_PAIRS` so that the graph merges each pair into
 * one edge.
 *
 * @public
 */
export const imageFactoryRelationPairs: Array<[string, string]> = [
  [RELATION_PROVIDED_BY, RELATION_PROVIDER_OF],
  [RELATION_BUILD_OF, RELATION_HAS_BUILD],
];
