import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CascadePredictionResponse,
  CascadeStepInfo,
  DependencyGraphResponse,
} from '@image-factory/plugin-image-factory-common';
import { createHash, randomUUID } from 'crypto';
import express from 'express';
import Router from 'express-promise-router';
import { ImageGraphService } from '../graph';
import { DependencyCycleError } from '../tracking';
import { ImageAccess } from './imageAccess';

/**
 * The graph as the caller may see it: without the nodes of images they may
 * not read in the catalog, nor those nodes' edges, cycles and problems.
 */
async function visibleGraph(
  access: ImageAccess,
  credentials: BackstageCredentials,
  response: DependencyGraphResponse,
): Promise<{ graph: DependencyGraphResponse; hidden: Set<string> }> {
  const withRef = response.nodes.filter(n => n.entityRef !== undefined);
  const allowed = await access.canRead(
    credentials,
    withRef.map(n => n.entityRef!),
  );
  const hiddenNodes = withRef.filter((_, i) => !allowed[i]);
  const hidden = new Set(hiddenNodes.map(n => n.id));
  if (hidden.size === 0) return { graph: response, hidden };
  const hiddenRefs = new Set(hiddenNodes.map(n => n.entityRef));
  return {
    hidden,
    graph: {
      ...response,
      nodes: response.nodes.filter(n => !hidden.has(n.id)),
      edges: response.edges.filter(
        e => !hidden.has(e.from) && !hidden.has(e.to),
      ),
      cycles: response.cycles.filter(c => !c.some(id => hidden.has(id))),
      sourceProblems: response.sourceProblems.filter(
        p => !hiddenRefs.has(p.entityRef),
      ),
    },
  };
}

/** Different in every process: an ETag of one backend never matches another's. */
const PROCESS = randomUUID().slice(0, 8);
const snapshotIds = new WeakMap<object, number>();
let lastSnapshotId = 0;

/**
 * The graph's ETag without serializing it: the graph answers with the same
 * snapshot object while nothing changed, and the caller sees it without the
 * same hidden nodes. A reader that polls (the catalog module, every read of
 * images.yaml) gets a 304 for the price of the permission check.
 */
function graphEtag(snapshot: object, hidden: Set<string>): string {
  let id = snapshotIds.get(snapshot);
  if (id === undefined) {
    id = ++lastSnapshotId;
    snapshotIds.set(snapshot, id);
  }
  const seen = createHash('sha1')
    .update([...hidden].sort().join('\n'))
    .digest('hex')
    .slice(0, 12);
  return `W/"graph-${PROCESS}-${id}-${seen}"`;
}

/**
 * `GET /graph` and `GET /graph/cascade?node=<id>`, both without the images
 * the caller may not read in the catalog (a hidden node is an unknown node).
 */
export function graphRoutes(options: {
  httpAuth: HttpAuthService;
  access: ImageAccess;
  /** Absent when the graph is not built (no images file read yet). */
  graph?: ImageGraphService;
  /** Depth cap of predicted cascades. */
  cascadeMaxDepth?: number;
}): express.Router {
  const { httpAuth, access } = options;
  const router = Router();
  const graphService = () => {
    if (!options.graph) {
      throw new ServiceUnavailableError(
        'The dependency graph is not available',
      );
    }
    return options.graph;
  };

  router.get('/graph', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { response } = await graphService().getGraph();
    const { graph: body, hidden } = await visibleGraph(
      access,
      credentials,
      response,
    );
    res.set('ETag', graphEtag(response, hidden));
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.json(body satisfies DependencyGraphResponse);
  });

  router.get('/graph/cascade', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const node = req.query.node;
    if (typeof node !== 'string' || node.length === 0) {
      throw new InputError('node: is required, the id of a graph node');
    }
    const { graph, response } = await graphService().getGraph();
    const { hidden } = await visibleGraph(access, credentials, response);
    if (hidden.has(node) || !response.nodes.some(n => n.id === node)) {
      throw new InputError(`node: no graph node has the id '${node}'`);
    }
    let prediction;
    try {
      prediction = graph.predictCascade(node, {
        maxDepth: options.cascadeMaxDepth,
      });
    } catch (error) {
      // No order exists inside a cycle; the graph lists its members.
      if (error instanceof DependencyCycleError) {
        throw new ConflictError(error.message);
      }
      throw error;
    }
    const readable = (steps: CascadeStepInfo[]) =>
      access.filterReadable(credentials, steps, step => step.entityRef);
    const body: CascadePredictionResponse = {
      node,
      rebuilds: await readable(prediction.rebuilds),
      cut: await readable(prediction.cut),
    };
    res.json(body);
  });
  return router;
}
