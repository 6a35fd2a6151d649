import type {
  CascadePredictionResponse,
  DependencyGraphEdge,
  DependencyGraphNode,
  DependencyGraphResponse,
} from '@image-factory/plugin-image-factory-common';

/** How a node is drawn for the selected cascade. */
export type NodeHighlight = 'changed' | 'rebuilt' | 'cut' | 'none';

const sameRef = (a?: string, b?: string) =>
  !!a && !!b && a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/** The node of an Image entity, if the graph has it. */
export function nodeOfEntity(
  graph: DependencyGraphResponse,
  entityRef: string,
): DependencyGraphNode | undefined {
  return graph.nodes.find(n => sameRef(n.entityRef, entityRef));
}

/** The nodes a node is built FROM, in the graph's order. */
export function basesOf(
  graph: DependencyGraphResponse,
  nodeId: string,
): DependencyGraphNode[] {
  const ids = new Set(
    graph.edges.filter(e => e.to === nodeId).map(e => e.from),
  );
  return graph.nodes.filter(n => ids.has(n.id));
}

/**
 * The neighbourhood of a node: its bases, itself and every image built FROM
 * it, directly or not, with the edges between them.
 */
export function neighbourhood(
  graph: DependencyGraphResponse,
  nodeId: string,
): { nodes: DependencyGraphNode[]; edges: DependencyGraphEdge[] } {
  const keep = new Set<string>([nodeId]);
  basesOf(graph, nodeId).forEach(n => keep.add(n.id));
  const queue = [nodeId];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const edge of graph.edges) {
      if (edge.from === from && !seen.has(edge.to)) {
        seen.add(edge.to);
        keep.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return {
    nodes: graph.nodes.filter(n => keep.has(n.id)),
    edges: graph.edges.filter(e => keep.has(e.from) && keep.has(e.to)),
  };
}

/** How each node is drawn for a predicted cascade (by node id). */
export function highlights(
  graph: DependencyGraphResponse,
  cascade?: CascadePredictionResponse,
): Map<string, NodeHighlight> {
  const result = new Map<string, NodeHighlight>();
  if (!cascade) {
    return result;
  }
  const mark = (entityRef: string, highlight: NodeHighlight) =>
    graph.nodes
      .filter(n => sameRef(n.entityRef, entityRef))
      .forEach(n => result.set(n.id, highlight));
  cascade.rebuilds.forEach(step => mark(step.entityRef, 'rebuilt'));
  cascade.cut.forEach(step => mark(step.entityRef, 'cut'));
  result.set(cascade.node, 'changed');
  return result;
}

/** A node's reference as read in a list: its reference, else its id. */
export const nodeLabel = (graph: DependencyGraphResponse, id: string) =>
  graph.nodes.find(n => n.id === id)?.reference ?? id;
