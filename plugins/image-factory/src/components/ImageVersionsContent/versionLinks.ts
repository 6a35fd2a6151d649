import { useRouteRef } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { ImageVersionLineage } from '@image-factory/plugin-image-factory-common';

/** An Image entity page's route parameters. */
export interface ImageRoute {
  namespace: string;
  name: string;
}

/**
 * Links from the Versions view: to a run in the image's Builds tab, to its
 * own Versions tab, and to a base's Versions tab when the factory knows the
 * base's Image.
 */
export function useVersionLinks(image: ImageRoute) {
  const entityRoute = useRouteRef(entityRouteRef);
  const tab = (route: ImageRoute, path: string) =>
    `${entityRoute({
      kind: 'image',
      namespace: route.namespace,
      name: route.name,
    })}${path}`;
  return {
    run: (runId: string) =>
      tab(image, `/builds?run=${encodeURIComponent(runId)}`),
    versions: () => tab(image, '/versions'),
    base: (lineage: ImageVersionLineage): string | undefined => {
      if (!lineage.imageName) return undefined;
      const namespace = lineage.entityRef
        ? parseEntityRef(lineage.entityRef, { defaultKind: 'image' }).namespace
        : 'default';
      return tab({ namespace, name: lineage.imageName }, '/versions');
    },
  };
}
