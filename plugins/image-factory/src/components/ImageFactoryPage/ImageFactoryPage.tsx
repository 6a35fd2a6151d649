import { Box, Button, Grid } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  LinkButton,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useFactoryStatus } from '../../hooks/useFactoryStatus';
import {
  enrollRouteRef,
  lifecycleRouteRef,
  refineryRouteRef,
} from '../../routes';
import { ArchivedImagesCard } from '../ArchivedImagesCard';
import { PendingEnrollmentsCard } from '../PendingEnrollmentsCard';
import { RegistryBudgetCard } from '../RegistryBudgetCard';
import { UpcomingRebuildsCard } from '../UpcomingRebuildsCard';
import { ImagesFileCard } from './ImagesFileCard';
import { ProvidersCard } from './ProvidersCard';
import { WatchedImagesCard } from './WatchedImagesCard';

function StatusContent() {
  const { status, loading, error, retry } = useFactoryStatus();
  const enrollLink = useRouteRef(enrollRouteRef);
  const lifecycleLink = useRouteRef(lifecycleRouteRef);
  const refineryLink = useRouteRef(refineryRouteRef);

  let body;
  if (error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the factory status"
      />
    );
  } else if (!status) {
    body = loading ? (
      <Progress />
    ) : (
      <EmptyState missing="data" title="No status yet" />
    );
  } else {
    body = (
      <Grid container spacing={3}>
        {loading && (
          <Grid item xs={12}>
            <Progress />
          </Grid>
        )}
        <Grid item xs={12}>
          <ImagesFileCard file={status.imagesFile} />
        </Grid>
        {status.tracking && (
          <Grid item xs={12}>
            <WatchedImagesCard tracking={status.tracking} />
          </Grid>
        )}
        {status.tracking && (
          <Grid item xs={12}>
            <RegistryBudgetCard />
          </Grid>
        )}
        <Grid item xs={12}>
          <ProvidersCard providers={status.providers ?? []} />
        </Grid>
      </Grid>
    );
  }

  return (
    <>
      <ContentHeader title="Factory status">
        <Box display="flex" gridGap={8}>
          <Button
            variant="outlined"
            color="primary"
            startIcon={<RefreshIcon />}
            onClick={retry}
            disabled={loading}
          >
            Refresh
          </Button>
          <LinkButton to={lifecycleLink()} variant="outlined" color="primary">
            Lifecycle
          </LinkButton>
          <LinkButton to={refineryLink()} variant="outlined" color="primary">
            Refinery
          </LinkButton>
          <LinkButton
            to={enrollLink()}
            variant="contained"
            color="primary"
            startIcon={<AddIcon />}
          >
            Enroll image
          </LinkButton>
        </Box>
      </ContentHeader>
      {body}
      <Box mt={3}>
        <UpcomingRebuildsCard />
      </Box>
      <Box mt={3}>
        <PendingEnrollmentsCard />
      </Box>
      <Box mt={3}>
        <ArchivedImagesCard />
      </Box>
    </>
  );
}

/**
 * The factory's status page: the state of images.yaml, the watched base
 * images and the registries' request budgets, the configured providers, the
 * upcoming rebuilds, the change requests and the archived (un-enrolled)
 * images, with links to the lifecycle and enroll pages.
 *
 * @public
 */
export function ImageFactoryPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Image Factory"
        subtitle="Builds, tracks and rebuilds container images"
      />
      <Content>
        <StatusContent />
      </Content>
    </Page>
  );
}
