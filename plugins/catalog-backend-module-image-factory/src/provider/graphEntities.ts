import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_REFERENCE,
  DependencyGraphResponse,
  IMAGE_FACTORY_API_VERSION,
  ImageEntityV1alpha1,
  isImageEntity,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';

/** Says an Image entity stands for a base found only in Dockerfiles. */
export const ANNOTATION_DISCOVERED = 'imagefactory.dev/discovered';

/**
 * Adds `spec.dependsOn` (the Image entities of each image's bases) from the
 * backend's dependency graph, and an Image entity of type `base` for every
 * base that no images.yaml entry describes.
 */
export function withGraph(
  images: Entity[],
  graph: DependencyGraphResponse,
  owner: string,
): Entity[] {
  const byId = new Map(graph.nodes.map(n => [n.id, n]));
  const dependsOn = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const from = byId.get(edge.from)?.entityRef;
    const to = byId.get(edge.to)?.entityRef;
    if (!from || !to) continue;
    dependsOn.set(to, [...(dependsOn.get(to) ?? []), from]);
  }
  const merged = images.map(entity => {
    if (!isImageEntity(entity)) return entity;
    const bases = dependsOn.get(stringifyEntityRef(entity));
    if (!bases) return entity;
    return {
      ...entity,
      spec: {
        ...entity.spec,
        dependsOn: [
          ...new Set([...(entity.spec.dependsOn ?? []), ...bases]),
        ].sort(),
      },
    };
  });
  const discovered = graph.nodes
    .filter(n => n.type === 'discovered' && n.entityRef)
    .map((node): ImageEntityV1alpha1 => {
      const ref = parseImageRef(node.reference);
      const name = node.entityRef!.split('/').pop()!;
      return {
        apiVersion: IMAGE_FACTORY_API_VERSION,
        kind: 'Image',
        metadata: {
          name,
          title: node.reference,
          description:
            'A base image found in Dockerfiles of the Image Factory.',
          annotations: {
            [ANNOTATION_IMAGE_FACTORY_REFERENCE]: node.reference,
            [ANNOTATION_DISCOVERED]: 'dockerfile',
          },
        },
        spec: {
          type: 'base',
          owner,
          reference: node.reference,
          registry: ref.registry,
          repository: ref.repository,
          ...(ref.tag ? { tag: ref.tag } : {}),
          platforms: node.platforms?.length ? node.platforms : ['linux/amd64'],
        },
      };
    });
  return [...merged, ...discovered];
}
