import { Grid } from '@material-ui/core';
import {
  EntityAboutCard,
  EntityDependsOnComponentsCard,
  EntityDependsOnResourcesCard,
  EntityHasComponentsCard,
  EntityHasResourcesCard,
  EntityHasSubcomponentsCard,
  EntityHasSystemsCard,
  EntityLayout,
  EntityLinksCard,
  EntitySwitch,
  EntityOrphanWarning,
  EntityProcessingErrorsPanel,
  isKind,
  hasCatalogProcessingErrors,
  isOrphan,
  hasRelationWarnings,
  EntityRelationWarning,
} from '@backstage/plugin-catalog';
import {
  EntityUserProfileCard,
  EntityGroupProfileCard,
  EntityMembersListCard,
  EntityOwnershipCard,
} from '@backstage/plugin-org';
import {
  ALL_RELATION_PAIRS,
  EntityCatalogGraphCard,
} from '@backstage/plugin-catalog-graph';
import {
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
} from '@backstage/catalog-model';
import {
  EntityImageBuildInputsCard,
  EntityImageBuildOverviewCard,
  EntityImageBuildsContent,
  EntityWheelBuildsCard,
  EntityImageDependenciesContent,
  EntityImageEnrollmentCard,
  EntityImageLatestVersionsCard,
  EntityImageLifecycleContent,
  EntityImageOverviewCard,
  EntityImageRebuildsCard,
  EntityImageTrackingCard,
  EntityImageVersionsContent,
  EntityProviderHealthCard,
  ImageFactoryEntityNotFound,
  RELATION_PROVIDED_BY,
  RELATION_PROVIDER_OF,
  imageFactoryRelationPairs,
  RELATION_BUILD_OF,
  RELATION_HAS_BUILD,
  isImageFactoryBuild,
  isImageFactoryBuiltImage,
  isImageFactoryImage,
  isImageFactoryProvider,
  isImageFactoryWheel,
  isImageFactoryStagedImage,
  isImageFactoryWatchedImage,
} from '@image-factory/plugin-image-factory';

/*
 * Material UI Grid: when breakpoints are used, each item sets `xs` as well,
 * since it does not default (https://v4.mui.com/components/grid/#basic-grid).
 */

/** The built-in pairs plus providedBy/providerOf, so each pair draws one edge. */
const relationPairs = [...ALL_RELATION_PAIRS, ...imageFactoryRelationPairs];

const entityWarningContent = (
  <>
    <EntitySwitch>
      <EntitySwitch.Case if={isOrphan}>
        <Grid item xs={12}>
          <EntityOrphanWarning />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>

    <EntitySwitch>
      <EntitySwitch.Case if={hasRelationWarnings}>
        <Grid item xs={12}>
          <EntityRelationWarning />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>

    <EntitySwitch>
      <EntitySwitch.Case if={hasCatalogProcessingErrors}>
        <Grid item xs={12}>
          <EntityProcessingErrorsPanel />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
  </>
);

const overviewContent = (
  <Grid container spacing={3} alignItems="stretch">
    {entityWarningContent}
    <Grid item md={6} xs={12}>
      <EntityAboutCard />
    </Grid>
    <Grid item md={6} xs={12}>
      <EntityCatalogGraphCard height={400} />
    </Grid>
    <Grid item md={4} xs={12}>
      <EntityLinksCard />
    </Grid>
    <Grid item md={8} xs={12}>
      <EntityHasSubcomponentsCard />
    </Grid>
  </Grid>
);

// An entity that is not in the catalog lands here; for an un-enrolled Image
// it says so and links to the archive.
const defaultEntityPage = (
  <EntityLayout NotFoundComponent={<ImageFactoryEntityNotFound />}>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
  </EntityLayout>
);

const componentPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>

    <EntityLayout.Route path="/dependencies" title="Dependencies">
      <Grid container spacing={3} alignItems="stretch">
        <Grid item md={6} xs={12}>
          <EntityDependsOnComponentsCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityDependsOnResourcesCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const imagePage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={6} xs={12}>
          <EntityAboutCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityImageOverviewCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityImageLatestVersionsCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityImageEnrollmentCard />
        </Grid>
        {/* Only images the factory builds (a source) can be rebuilt. */}
        <EntitySwitch>
          <EntitySwitch.Case if={isImageFactoryBuiltImage}>
            <Grid item md={6} xs={12}>
              <EntityImageRebuildsCard />
            </Grid>
          </EntitySwitch.Case>
        </EntitySwitch>
        {/* Managed images are built here; only watched ones have an upstream. */}
        <EntitySwitch>
          <EntitySwitch.Case if={isImageFactoryWatchedImage}>
            <Grid item md={6} xs={12}>
              <EntityImageTrackingCard />
            </Grid>
          </EntitySwitch.Case>
        </EntitySwitch>
        <Grid item xs={12}>
          <EntityCatalogGraphCard
            height={400}
            title="Owner, base images and registry"
            relations={[
              RELATION_OWNED_BY,
              RELATION_OWNER_OF,
              RELATION_DEPENDS_ON,
              RELATION_DEPENDENCY_OF,
              RELATION_PROVIDED_BY,
              RELATION_PROVIDER_OF,
            ]}
            relationPairs={relationPairs}
          />
        </Grid>
      </Grid>
    </EntityLayout.Route>
    <EntityLayout.Route
      path="/builds"
      title="Builds"
      if={isImageFactoryBuiltImage}
    >
      <EntityImageBuildsContent />
    </EntityLayout.Route>
    {/* Every Image has versions in a registry: managed, base, external, discovered. */}
    <EntityLayout.Route path="/versions" title="Versions">
      <EntityImageVersionsContent />
    </EntityLayout.Route>
    <EntityLayout.Route
      path="/lifecycle"
      title="Lifecycle"
      if={isImageFactoryStagedImage}
    >
      <EntityImageLifecycleContent />
    </EntityLayout.Route>
    <EntityLayout.Route path="/dependencies" title="Dependencies">
      <EntityImageDependenciesContent />
    </EntityLayout.Route>
  </EntityLayout>
);

const imageBuildPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={6} xs={12}>
          <EntityImageBuildOverviewCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityCatalogGraphCard
            height={300}
            title="Image, owner and executor"
            relations={[
              RELATION_BUILD_OF,
              RELATION_HAS_BUILD,
              RELATION_OWNED_BY,
              RELATION_OWNER_OF,
              RELATION_PROVIDED_BY,
              RELATION_PROVIDER_OF,
            ]}
            relationPairs={relationPairs}
          />
        </Grid>
        <Grid item xs={12}>
          <EntityImageBuildInputsCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const providerPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={6} xs={12}>
          <EntityAboutCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityProviderHealthCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityCatalogGraphCard
            height={400}
            title="What it provides"
            relations={[
              RELATION_OWNED_BY,
              RELATION_OWNER_OF,
              RELATION_PROVIDED_BY,
              RELATION_PROVIDER_OF,
            ]}
            relationPairs={relationPairs}
          />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const userPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        {entityWarningContent}
        <Grid item xs={12} md={6}>
          <EntityUserProfileCard />
        </Grid>
        <Grid item xs={12} md={6}>
          <EntityOwnershipCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const groupPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        {entityWarningContent}
        <Grid item xs={12} md={6}>
          <EntityGroupProfileCard />
        </Grid>
        <Grid item xs={12} md={6}>
          <EntityOwnershipCard />
        </Grid>
        <Grid item xs={12} md={6}>
          <EntityMembersListCard />
        </Grid>
        <Grid item xs={12} md={6}>
          <EntityLinksCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const systemPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={6} xs={12}>
          <EntityAboutCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityCatalogGraphCard height={400} />
        </Grid>
        <Grid item md={4} xs={12}>
          <EntityLinksCard />
        </Grid>
        <Grid item md={8} xs={12}>
          <EntityHasComponentsCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityHasResourcesCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const wheelPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={5} xs={12}>
          <EntityAboutCard />
        </Grid>
        <Grid item md={7} xs={12}>
          <EntityCatalogGraphCard height={300} />
        </Grid>
        <Grid item xs={12}>
          <EntityWheelBuildsCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const domainPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {entityWarningContent}
        <Grid item md={6} xs={12}>
          <EntityAboutCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityCatalogGraphCard height={400} />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityHasSystemsCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isImageFactoryImage} children={imagePage} />
    <EntitySwitch.Case if={isImageFactoryBuild} children={imageBuildPage} />
    <EntitySwitch.Case if={isImageFactoryProvider} children={providerPage} />
    <EntitySwitch.Case if={isImageFactoryWheel} children={wheelPage} />
    <EntitySwitch.Case if={isKind('component')} children={componentPage} />
    <EntitySwitch.Case if={isKind('group')} children={groupPage} />
    <EntitySwitch.Case if={isKind('user')} children={userPage} />
    <EntitySwitch.Case if={isKind('system')} children={systemPage} />
    <EntitySwitch.Case if={isKind('domain')} children={domainPage} />

    <EntitySwitch.Case>{defaultEntityPage}</EntitySwitch.Case>
  </EntitySwitch>
);
