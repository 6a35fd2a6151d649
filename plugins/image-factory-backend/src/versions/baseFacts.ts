import { parseEntityRef } from '@backstage/catalog-model';
import { DigestStore } from '../database';
import { ImageGraphService } from '../graph';
import { storedReferenceKey } from '../tracking';
import { BaseFacts } from './buildProvenance';

/** How many digests of a base are looked at for "N versions behind". */
const HISTORY_LIMIT = 100;

/**
 * What the factory knows of base references: their Image entity (from the
 * graph) and the digests tracking has seen for them, newest first.
 */
export function createBaseFacts(options: {
  graph?: ImageGraphService;
  digests?: DigestStore;
}): (references: string[]) => Promise<Map<string, BaseFacts>> {
  return async references => {
    const facts = new Map<string, BaseFacts>();
    if (references.length === 0) return facts;
    const nodes = options.graph
      ? (await options.graph.getGraph()).response.nodes
      : [];
    for (const reference of references) {
      const key = storedReferenceKey(reference);
      const node = nodes.find(n => n.id === key);
      const history = options.digests
        ? (await options.digests.getHistory(reference, HISTORY_LIMIT)).digests
            .filter(d => d.platform === '')
            .map(d => d.digest)
        : undefined;
      facts.set(reference, {
        ...(node?.entityRef && {
          entity: {
            entityRef: node.entityRef,
            imageName: parseEntityRef(node.entityRef).name,
          },
        }),
        ...(history && history.length > 0 && { history }),
      });
    }
    return facts;
  };
}
