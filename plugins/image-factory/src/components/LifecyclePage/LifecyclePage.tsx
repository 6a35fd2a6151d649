import { useRef } from 'react';
import { Box } from '@material-ui/core';
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
import { useSearchParams } from 'react-router-dom';
import type { LifecycleOverview } from '@image-factory/plugin-image-factory-common';
import { useLifecycleOverview } from '../../hooks/useLifecycleOverview';
import { rootRouteRef } from '../../routes';
import { LifecycleTable } from './LifecycleTable';
import { OwnerFilter } from './OwnerFilter';

function Overview(props: {
  owner?: string;
  value?: LifecycleOverview;
  error?: Error;
}) {
  const { owner, value, error } = props;
  if (error && !value) {
    return (
      <ResponseErrorPanel error={error} title="Could not load the stages" />
    );
  }
  if (!value) return <Progress />;
  if (value.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title={
          owner ? `No image of ${owner} has stages` : 'No image has stages'
        }
        description="Declare stages on an image's entry in images.yaml, e.g. `stages: [dev, staging, prod]`."
      />
    );
  }
  return <LifecycleTable rows={value.items} />;
}

/**
 * The factory-wide lifecycle page: every image with stages × its stages,
 * each cell with the digest held, its age, how far it lags the newest build
 * (`4 versions / 12 days behind`), a stale-base warning and the promotion
 * waiting to enter; filtered by owner (`?owner=<entity ref>`), and reloaded
 * when the backend signals a change.
 */
export function LifecyclePage() {
  const statusLink = useRouteRef(rootRouteRef);
  const [params, setParams] = useSearchParams();
  const owner = params.get('owner') || undefined;
  const { value, error } = useLifecycleOverview(owner);
  // The owners seen so far: a filtered answer names only its own.
  const owners = useRef(new Set<string>());
  value?.items.forEach(item => owners.current.add(item.owner));
  if (owner) owners.current.add(owner);

  return (
    <Page themeId="tool">
      <Header
        title="Image Factory"
        subtitle="Lifecycle: what each stage of each image holds"
      />
      <Content>
        <ContentHeader title="Lifecycle">
          <Box display="flex" gridGap={8} alignItems="center">
            <OwnerFilter
              owner={owner}
              owners={[...owners.current].sort()}
              onChange={next =>
                setParams(next ? { owner: next } : {}, { replace: true })
              }
            />
            <LinkButton to={statusLink()} variant="outlined">
              Factory status
            </LinkButton>
          </Box>
        </ContentHeader>
        <Overview owner={owner} value={value} error={error} />
      </Content>
    </Page>
  );
}
