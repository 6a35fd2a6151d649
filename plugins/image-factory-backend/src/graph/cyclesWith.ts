import { stringifyEntityRef } from '@backstage/catalog-model';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { DependencyGraph, referenceKey } from '../tracking';
import { ImageBasesResolver } from './ImageBasesResolver';

/**
 * The dependency cycles that enrolling `candidate` (or changing it to this)
 * would make: its Dockerfile is read now, the other images' bases are what
 * the factory last resolved. Each cycle lists its members' entity refs.
 * Empty when the Dockerfile cannot be read yet: the graph reports a cycle
 * later, once the file exists. `candidateBases`, when the caller has read
 * the Dockerfile already, saves reading it a second time.
 */
export async function cyclesWith(
  candidate: ImageEntityV1alpha1,
  images: ImageEntityV1alpha1[],
  resolver: Pick<ImageBasesResolver, 'analyze' | 'get' | 'load'>,
  candidateBases?: string[],
): Promise<string[][]> {
  if (candidate.spec.type === 'external') return [];
  const bases =
    candidateBases?.map(reference => ({ reference })) ??
    (await resolver.analyze(candidate));
  if (!bases) return [];
  await resolver.load();
  const candidateRef = stringifyEntityRef(candidate);
  const others = images.filter(
    i => i.metadata.name !== candidate.metadata.name,
  );
  // A reference published twice is the images.yaml check's to report.
  const published = referenceKey(candidate.spec.reference);
  if (others.some(i => referenceKey(i.spec.reference) === published)) return [];
  const graph = DependencyGraph.build([
    ...others.map(image => {
      const entityRef = stringifyEntityRef(image);
      return {
        entityRef,
        reference: image.spec.reference,
        bases: (resolver.get(entityRef)?.bases ?? []).map(b => b.reference),
      };
    }),
    {
      entityRef: candidateRef,
      reference: candidate.spec.reference,
      bases: bases.map(b => b.reference),
    },
  ]);
  return graph.findCycles().filter(cycle => cycle.includes(candidateRef));
}
