import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CascadePredictionResponse,
  DependencyGraphResponse,
} from '@image-factory/plugin-image-factory-common';
import express from 'express';
import Router from 'express-promise-router';
import { ImageGraphService } from '../graph';
import { DependencyCycleError } from '../tracking';

/** `GET /graph` and `GET /graph/cascade?node=<id>`. */
export function graphRoutes(options: {
  httpAuth: HttpAuthService;
  /** Absent when the graph is not built (no images file read yet). */
  graph?: ImageGraphService;
  /** Depth cap of predicted cascades. */
  cascadeMaxDepth?: number;
}): express.Router {
  const { httpAuth } = options;
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
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { response } = await graphService().getGraph();
    const body: DependencyGraphResponse = response;
    res.json(body);
  });

  router.get('/graph/cascade', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const node = req.query.node;
    if (typeof node !== 'string' || node.length === 0) {
      throw new InputError('node: is required, the id of a graph node');
    }
    const { graph, response } = await graphService().getGraph();
    if (!response.nodes.some(n => n.id === node)) {
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
    const body: CascadePredictionResponse = {
      node,
      rebuilds: prediction.rebuilds,
      cut: prediction.cut,
    };
    res.json(body);
  });
  return router;
}
