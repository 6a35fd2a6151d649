import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
import { ImageFactoryClient, imageFactoryApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * The Image Factory frontend plugin (legacy frontend system).
 *
 * @public
 */
export const imageFactoryPlugin = createPlugin({
  id: 'image-factory',
  apis: [
    createApiFactory({
      api: imageFactoryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ImageFactoryClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The factory status page: images.yaml state and providers.
 *
 * @public
 */
export const ImageFactoryPage: () => JSX.Element = imageFactoryPlugin.provide(
  createRoutableExtension({
    name: 'ImageFactoryPage',
    component: () =>
      import('./components/ImageFactoryPage').then(m => m.ImageFactoryPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * Entity card for kind Image: reference, registry, platforms, source, build
 * args, rebuild policy and lifecycle stages.
 *
 * @public
 */
export const EntityImageOverviewCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageOverviewCard',
      component: {
        lazy: () =>
          import('./components/ImageOverviewCard').then(
            m => m.ImageOverviewCard,
          ),
      },
    }),
  );
