import { parseEntityRef } from '@backstage/catalog-model';
import {
  ImageEntityV1alpha1,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ImageGraphService } from '../graph';
import { VersionTarget } from './types';

/**
 * The image named `name`: an entry of images.yaml (managed, base or
 * external), else a base found only in Dockerfiles (its discovered Image
 * entity). Undefined when there is none.
 */
export async function resolveVersionTarget(
  name: string,
  images: ImageEntityV1alpha1[],
  graph: ImageGraphService | undefined,
): Promise<VersionTarget | undefined> {
  const image = images.find(i => i.metadata.name === name);
  if (image) {
    return {
      imageName: name,
      entityRef: stringifyEntityRef(image),
      registry: image.spec.registry,
      repository: image.spec.repository,
      managed: image.spec.type === 'managed',
    };
  }
  if (!graph) return undefined;
  const { response } = await graph.getGraph();
  for (const node of response.nodes) {
    if (node.type !== 'discovered' || !node.entityRef) continue;
    if (parseEntityRef(node.entityRef).name !== name) continue;
    const ref = parseImageRef(node.reference);
    return {
      imageName: name,
      entityRef: node.entityRef,
      registry: ref.registry,
      repository: ref.repository,
      managed: false,
    };
  }
  return undefined;
}
