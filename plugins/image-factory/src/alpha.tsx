import LayersIcon from '@material-ui/icons/Layers';
import { compatWrapper } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { ImageFactoryClient, imageFactoryApiRef } from './api';
import {
  isImageFactoryBuiltImage,
  isImageFactoryWatchedImage,
} from './predicates';
import {
  enrollRouteRef,
  lifecycleRouteRef,
  refineryRouteRef,
  rootRouteRef,
} from './routes';

const imageFactoryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: imageFactoryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ImageFactoryClient({ discoveryApi, fetchApi }),
    }),
});

const imageFactoryPage = PageBlueprint.make({
  params: {
    path: '/image-factory',
    routeRef: rootRouteRef,
    // The page brings its own Header, shared with the legacy system.
    noHeader: true,
    // The status page and, under it, the enroll and lifecycle pages.
    loader: () =>
      import('./components/Router').then(m => compatWrapper(<m.Router />)),
  },
});

const entityImageEnrollmentCard = EntityCardBlueprint.make({
  name: 'image-enrollment',
  params: {
    filter: 'kind:image',
    loader: () =>
      import('./components/ImageEnrollmentCard').then(m =>
        compatWrapper(<m.ImageEnrollmentCard />),
      ),
  },
});

const entityImageOverviewCard = EntityCardBlueprint.make({
  name: 'image-overview',
  params: {
    filter: 'kind:image',
    loader: () =>
      import('./components/ImageOverviewCard').then(m =>
        compatWrapper(<m.ImageOverviewCard />),
      ),
  },
});

const entityImageBuildsContent = EntityContentBlueprint.make({
  name: 'image-builds',
  params: {
    path: '/builds',
    title: 'Builds',
    // External images and bases without a source are not built here.
    filter: isImageFactoryBuiltImage,
    loader: () =>
      import('./components/ImageBuildsContent').then(m =>
        compatWrapper(<m.ImageBuildsContent />),
      ),
  },
});

const entityImageRebuildsCard = EntityCardBlueprint.make({
  name: 'image-rebuilds',
  params: {
    filter: isImageFactoryBuiltImage,
    loader: () =>
      import('./components/ImageRebuildsCard').then(m =>
        compatWrapper(<m.ImageRebuildsCard />),
      ),
  },
});

const entityImageTrackingCard = EntityCardBlueprint.make({
  name: 'image-tracking',
  params: {
    // kind:image, narrowed to the images the factory watches, not builds.
    filter: isImageFactoryWatchedImage,
    loader: () =>
      import('./components/ImageTrackingCard').then(m =>
        compatWrapper(<m.ImageTrackingCard />),
      ),
  },
});

const entityImageDependenciesContent = EntityContentBlueprint.make({
  name: 'image-dependencies',
  params: {
    path: '/dependencies',
    title: 'Dependencies',
    filter: 'kind:image',
    loader: () =>
      import('./components/ImageDependenciesContent').then(m =>
        compatWrapper(<m.ImageDependenciesContent />),
      ),
  },
});

const entityImageVersionsContent = EntityContentBlueprint.make({
  name: 'image-versions',
  params: {
    path: '/versions',
    title: 'Versions',
    // Every Image: managed, base, external and discovered.
    filter: 'kind:image',
    loader: () =>
      import('./components/ImageVersionsContent').then(m =>
        compatWrapper(<m.ImageVersionsContent />),
      ),
  },
});

const entityImageLifecycleContent = EntityContentBlueprint.make({
  name: 'image-lifecycle',
  params: {
    path: '/lifecycle',
    title: 'Lifecycle',
    // Images without stages get the empty state that says how to declare them.
    filter: 'kind:image',
    loader: () =>
      import('./components/ImageLifecycleContent').then(m =>
        compatWrapper(<m.ImageLifecycleContent />),
      ),
  },
});

const entityImageLatestVersionsCard = EntityCardBlueprint.make({
  name: 'image-latest-versions',
  params: {
    filter: 'kind:image',
    loader: () =>
      import('./components/ImageLatestVersionsCard').then(m =>
        compatWrapper(<m.ImageLatestVersionsCard />),
      ),
  },
});

const entityProviderHealthCard = EntityCardBlueprint.make({
  name: 'provider-health',
  params: {
    filter: 'kind:provider',
    loader: () =>
      import('./components/ProviderHealthCard').then(m =>
        compatWrapper(<m.ProviderHealthCard />),
      ),
  },
});

const entityImageBuildOverviewCard = EntityCardBlueprint.make({
  name: 'image-build-overview',
  params: {
    filter: 'kind:imagebuild',
    loader: () =>
      import('./components/ImageBuildPage').then(m =>
        compatWrapper(<m.ImageBuildOverviewCard />),
      ),
  },
});

const entityImageBuildInputsCard = EntityCardBlueprint.make({
  name: 'image-build-inputs',
  params: {
    filter: 'kind:imagebuild',
    loader: () =>
      import('./components/ImageBuildPage').then(m =>
        compatWrapper(<m.ImageBuildInputsCard />),
      ),
  },
});

const entityWheelBuildsCard = EntityCardBlueprint.make({
  name: 'wheel-builds',
  params: {
    filter: 'kind:wheel',
    loader: () =>
      import('./components/WheelBuildsCard').then(m =>
        compatWrapper(<m.WheelBuildsCard />),
      ),
  },
});

/**
 * The Image Factory plugin for the new frontend system: the status page at
 * `/image-factory` (with the upcoming rebuilds), the enroll page at
 * `/image-factory/enroll`, the lifecycle page at `/image-factory/lifecycle` and the refinery at `/image-factory/refinery`, the overview, enrollment and rebuilds cards, the
 * upstream digest card (watched images only), the latest versions card and
 * the Builds, Versions and Dependencies tabs on Image entity pages (Builds
 * and rebuilds only for images with a source), the build and inputs cards on ImageBuild entity pages, the health
 * card on Provider entity pages, the refinery card on Wheel entity pages, and the API.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'image-factory',
  title: 'Image Factory',
  icon: <LayersIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    enroll: enrollRouteRef,
    lifecycle: lifecycleRouteRef,
    refinery: refineryRouteRef,
  },
  extensions: [
    imageFactoryApi,
    imageFactoryPage,
    entityImageOverviewCard,
    entityImageEnrollmentCard,
    entityImageRebuildsCard,
    entityImageTrackingCard,
    entityImageLatestVersionsCard,
    entityImageBuildsContent,
    entityImageVersionsContent,
    entityImageLifecycleContent,
    entityImageDependenciesContent,
    entityProviderHealthCard,
    entityImageBuildOverviewCard,
    entityImageBuildInputsCard,
    entityWheelBuildsCard,
  ],
});
