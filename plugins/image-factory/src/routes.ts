import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/**
 * The factory status page, mounted at `/image-factory` by convention.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({
  id: 'image-factory',
});

/**
 * The enroll page (form and change requests), `/enroll` under the status page.
 *
 * @public
 */
export const enrollRouteRef = createSubRouteRef({
  id: 'image-factory/enroll',
  parent: rootRouteRef,
  path: '/enroll',
});

/**
 * The factory-wide lifecycle page (every image × stage, how far each stage
 * lags), `/lifecycle` under the status page.
 *
 * @public
 */
export const lifecycleRouteRef = createSubRouteRef({
  id: 'image-factory/lifecycle',
  parent: rootRouteRef,
  path: '/lifecycle',
});

/**
 * The wheel refinery page (wheel sets, runs, builds and wheels),
 * `/refinery` under the status page.
 *
 * @public
 */
export const refineryRouteRef = createSubRouteRef({
  id: 'image-factory/refinery',
  parent: rootRouteRef,
  path: '/refinery',
});
