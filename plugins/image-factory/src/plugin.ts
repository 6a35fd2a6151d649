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
import {
  enrollRouteRef,
  lifecycleRouteRef,
  refineryRouteRef,
  rootRouteRef,
} from './routes';

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
    enroll: enrollRouteRef,
    lifecycle: lifecycleRouteRef,
    refinery: refineryRouteRef,
  },
});

/**
 * The plugin's pages: the factory status page (images.yaml state, providers,
 * change requests) at its mount point, the enroll page under it at
 * `/enroll` ({@link imageFactoryEnrollRouteRef}), and the lifecycle page
 * (every image × stage) at `/lifecycle`
 * ({@link imageFactoryLifecycleRouteRef}), and the wheel refinery at
 * `/refinery` ({@link imageFactoryRefineryRouteRef}).
 *
 * @public
 */
export const ImageFactoryPage: () => JSX.Element = imageFactoryPlugin.provide(
  createRoutableExtension({
    name: 'ImageFactoryPage',
    component: () => import('./components/Router').then(m => m.Router),
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

/**
 * Entity card for kind Image: its open change requests, and "Change type" and
 * "Un-enroll" buttons that open a pull request against images.yaml.
 *
 * @public
 */
export const EntityImageEnrollmentCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageEnrollmentCard',
      component: {
        lazy: () =>
          import('./components/ImageEnrollmentCard').then(
            m => m.ImageEnrollmentCard,
          ),
      },
    }),
  );

/**
 * Entity content (a tab) for kind Image: "Build now", the image's build runs
 * with their status, cause, duration and digests, and the selected run's
 * inputs, platforms and live log. `refreshIntervalMs` is how often the list
 * is read again while a run is queued or running (default 5000).
 *
 * @public
 */
export const EntityImageBuildsContent: (props: {
  refreshIntervalMs?: number;
}) => JSX.Element = imageFactoryPlugin.provide(
  createComponentExtension({
    name: 'EntityImageBuildsContent',
    component: {
      lazy: () =>
        import('./components/ImageBuildsContent').then(
          m => m.ImageBuildsContent,
        ),
    },
  }),
);

/**
 * Entity content (a tab) for kind Image: the images it is built FROM, and
 * the dependency graph around it (or the whole graph) in which a click on a
 * node highlights the rebuilds a new digest of it would cause, in order,
 * with those beyond the depth cap marked; dependency cycles are named.
 *
 * @public
 */
export const EntityImageDependenciesContent: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageDependenciesContent',
      component: {
        lazy: () =>
          import('./components/ImageDependenciesContent').then(
            m => m.ImageDependenciesContent,
          ),
      },
    }),
  );

/**
 * Entity content (a tab) for any Image (managed, base, external or
 * discovered): its versions in the registry, one row per manifest or index
 * digest, with tags, created date, sizes, platforms (digest and
 * architecture), attestations and signatures as chips, and for images the
 * factory built the run, cause, source revision and the bases it was built
 * on; sort by semantic version or date, filter by tag, hide machine tags,
 * refresh, copy pull references by digest or tag, pages from the server,
 * and a comparison of two versions. `pageSize` is the versions per page
 * (default 25).
 *
 * @public
 */
export const EntityImageVersionsContent: (props: {
  pageSize?: number;
}) => JSX.Element = imageFactoryPlugin.provide(
  createComponentExtension({
    name: 'EntityImageVersionsContent',
    component: {
      lazy: () =>
        import('./components/ImageVersionsContent').then(
          m => m.ImageVersionsContent,
        ),
    },
  }),
);

/**
 * Entity content (tab) for an Image with stages: the stages as columns, each
 * with its policy, the digest it holds, when and by whom, and what it held
 * before; "Promote a build" into the first stage, "Promote from <previous>"
 * and "Roll back" (with a reason, behind `image-factory.stage.promote`), the
 * move waiting for verification or for an approval ("Approve" and "Reject",
 * behind `image-factory.stage.approve`), and the history of moves. Reloads
 * when the backend signals a change (Backstage signals).
 *
 * @public
 */
export const EntityImageLifecycleContent: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageLifecycleContent',
      component: {
        lazy: () =>
          import('./components/ImageLifecycleContent').then(
            m => m.ImageLifecycleContent,
          ),
      },
    }),
  );

/**
 * Entity card for any Image: its three newest versions (a person's tag
 * shown first) with their age, "newest" and "N behind" markers, a warning when a
 * version's base has newer digests, and a link to the Versions tab.
 *
 * @public
 */
export const EntityImageLatestVersionsCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageLatestVersionsCard',
      component: {
        lazy: () =>
          import('./components/ImageLatestVersionsCard').then(
            m => m.ImageLatestVersionsCard,
          ),
      },
    }),
  );

/**
 * Entity card for kind Image: "Emergency rebuild" (skips the rebuild delay;
 * needs a justification and the `image-factory.rebuild.emergency`
 * permission, optionally rebuilds the images built FROM it too) and the
 * image's audit trail, newest first.
 *
 * @public
 */
export const EntityImageRebuildsCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageRebuildsCard',
      component: {
        lazy: () =>
          import('./components/ImageRebuildsCard').then(
            m => m.ImageRebuildsCard,
          ),
      },
    }),
  );

/**
 * Entity card for Image entities the factory watches (types `base` and
 * `external`, and discovered bases; see {@link isImageFactoryWatchedImage}):
 * the current digest and its platform digests, when the factory first saw the
 * reference and when it last changed, the last and next check, the last
 * error, the previous digests, and the images built FROM it.
 *
 * @public
 */
export const EntityImageTrackingCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageTrackingCard',
      component: {
        lazy: () =>
          import('./components/ImageTrackingCard').then(
            m => m.ImageTrackingCard,
          ),
      },
    }),
  );

/**
 * The health and capabilities of a Provider entity (executor, registry or
 * source host) as the factory last checked them.
 *
 * @public
 */
export const EntityProviderHealthCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityProviderHealthCard',
      component: {
        lazy: () =>
          import('./components/ProviderHealthCard').then(
            m => m.ProviderHealthCard,
          ),
      },
    }),
  );

/**
 * Entity card for kind ImageBuild: its Image, the cause, the pinned
 * reference and index digest, tags, the executor, and a link to the run in
 * the Image's Builds tab (`?run=<id>`).
 *
 * @public
 */
export const EntityImageBuildOverviewCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageBuildOverviewCard',
      component: {
        lazy: () =>
          import('./components/ImageBuildPage').then(
            m => m.ImageBuildOverviewCard,
          ),
      },
    }),
  );

/**
 * Entity card for kind ImageBuild: the run's inputs (commit, Dockerfile
 * digest, build args, base image digests) and each platform with its
 * manifest digest.
 *
 * @public
 */
export const EntityImageBuildInputsCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityImageBuildInputsCard',
      component: {
        lazy: () =>
          import('./components/ImageBuildPage').then(
            m => m.ImageBuildInputsCard,
          ),
      },
    }),
  );

/**
 * For `EntityLayout`'s `NotFoundComponent`: on the page of an Image that is
 * not in the catalog because it was un-enrolled, says when, and links to the
 * Archived images (its history and builds) and to "Re-enroll".
 *
 * @public
 */
export const ImageFactoryEntityNotFound: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'ImageFactoryEntityNotFound',
      component: {
        lazy: () =>
          import('./components/EntityNotFound').then(m => m.EntityNotFound),
      },
    }),
  );

/**
 * Entity card for kind Wheel: the wheel files the refinery's index serves,
 * and the latest build per target with its attempts, hints and log.
 *
 * @public
 */
export const EntityWheelBuildsCard: () => JSX.Element =
  imageFactoryPlugin.provide(
    createComponentExtension({
      name: 'EntityWheelBuildsCard',
      component: {
        lazy: () =>
          import('./components/WheelBuildsCard').then(m => m.WheelBuildsCard),
      },
    }),
  );
