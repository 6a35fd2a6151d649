import { useState } from 'react';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { ImageVersion } from '@image-factory/plugin-image-factory-common';
import useDebounce from 'react-use/esm/useDebounce';
import {
  useImageVersions,
  useRefreshImageVersions,
} from '../../hooks/useImageVersions';
import { isImageFactoryImage } from '../../predicates';
import { backendMessage } from '../ChangeRequestResult';
import { CompareVersionsDialog } from './CompareVersionsDialog';
import { SourceBanner } from './SourceBanner';
import { VersionControls, VersionFilters } from './VersionControls';
import { VersionsTable } from './VersionsTable';
import { ImageRoute, useVersionLinks } from './versionLinks';

const PAGE_SIZE = 25;
const FILTER_DEBOUNCE_MS = 300;
const STALE_INTERVAL_MS = 10_000;

/** Everything but the typed text, which is debounced on its own. */
type Query = Omit<VersionFilters, 'text'> & { q: string };

function ImageVersions(props: {
  image: ImageRoute;
  pageSize: number;
  filterDebounceMs: number;
}) {
  const { image } = props;
  const links = useVersionLinks(image);
  const [filters, setFilters] = useState<VersionFilters>({
    sort: 'semver',
    text: '',
    hideMachineTags: false,
  });
  const [query, setQuery] = useState<Query>({
    sort: 'semver',
    q: '',
    hideMachineTags: false,
  });
  // The cursor of each page seen; the last one is the page shown.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const [refreshKey, setRefreshKey] = useState(0);
  const [selected, setSelected] = useState<ImageVersion[]>([]);
  const [comparing, setComparing] = useState(false);

  const applyQuery = (next: Query) => {
    if (
      query.sort === next.sort &&
      query.q === next.q &&
      query.hideMachineTags === next.hideMachineTags
    ) {
      return;
    }
    setQuery(next);
    // Another query: its pages start again at the first.
    setCursors([undefined]);
  };
  useDebounce(
    () => applyQuery({ ...query, q: filters.text.trim() }),
    props.filterDebounceMs,
    [filters.text],
  );
  const onFilters = (next: VersionFilters) => {
    setFilters(next);
    if (next.text === filters.text) {
      applyQuery({ ...next, q: query.q });
    }
  };

  const cursor = cursors[cursors.length - 1];
  const { list, loading, error } = useImageVersions(
    image.name,
    {
      cursor,
      limit: props.pageSize,
      sort: query.sort,
      q: query.q || undefined,
      hideMachineTags: query.hideMachineTags,
    },
    { refreshKey, staleIntervalMs: STALE_INTERVAL_MS },
  );
  const refresh = useRefreshImageVersions(image.name);
  const onRefresh = async () => {
    await refresh.refresh();
    setRefreshKey(k => k + 1);
  };

  const onToggle = (version: ImageVersion) =>
    setSelected(prev =>
      prev.some(v => v.digest === version.digest)
        ? prev.filter(v => v.digest !== version.digest)
        : [...prev, version].slice(-2),
    );

  if (error && !list) {
    return (
      <ResponseErrorPanel error={error} title="Could not load the versions" />
    );
  }
  if (!list) {
    return <Progress />;
  }
  const page = cursors.length;
  const first = (page - 1) * props.pageSize + 1;
  const filtered = query.q !== '' || query.hideMachineTags;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <SourceBanner source={list.source} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Versions"
          subheader="One row per manifest or index digest, with every tag that names it"
        >
          <VersionControls
            filters={filters}
            onChange={onFilters}
            onRefresh={onRefresh}
            refreshing={refresh.loading}
            onCompare={() => setComparing(true)}
            selectedCount={selected.length}
          />
          {refresh.error && !refresh.loading && (
            <Box mt={2}>
              <WarningPanel
                severity="error"
                defaultExpanded
                title="Could not refresh the versions"
                message={backendMessage(refresh.error)}
              />
            </Box>
          )}
          {error && (
            <Box mt={2}>
              <ResponseErrorPanel
                error={error}
                title="Could not load the page"
              />
            </Box>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {list.items.length === 0 && page === 1 ? (
          <EmptyState
            missing="data"
            title={
              filtered ? 'No version matches' : 'No versions in the registry'
            }
            description={
              filtered
                ? 'No tag contains the filter text, or only machine tags do.'
                : `${list.source.registry}/${list.source.repository} has no tags yet.`
            }
          />
        ) : (
          <VersionsTable
            title={`${list.total} ${list.total === 1 ? 'version' : 'versions'}`}
            versions={list.items}
            links={links}
            loading={loading}
            selected={selected.map(v => v.digest)}
            onToggle={onToggle}
          />
        )}
        <Box
          display="flex"
          alignItems="center"
          justifyContent="flex-end"
          gridGap={8}
          mt={1}
        >
          <Typography variant="body2" color="textSecondary">
            {list.items.length > 0
              ? `${first}–${first + list.items.length - 1} of ${list.total}`
              : ''}
          </Typography>
          <Button
            size="small"
            disabled={page === 1 || loading}
            onClick={() => setCursors(c => c.slice(0, -1))}
          >
            Previous page
          </Button>
          <Button
            size="small"
            disabled={!list.nextCursor || loading}
            onClick={() => setCursors(c => [...c, list.nextCursor])}
          >
            Next page
          </Button>
        </Box>
      </Grid>
      {comparing && selected.length === 2 && (
        <CompareVersionsDialog
          imageName={image.name}
          versions={[selected[0], selected[1]]}
          onClose={() => setComparing(false)}
        />
      )}
    </Grid>
  );
}

/**
 * The Versions tab of an Image entity (managed, base, external or
 * discovered): its versions in the registry, one row per digest, with tags,
 * platforms, attachments and, for images the factory built, the run and
 * lineage; sort, filter, hide machine tags, refresh, pages and a comparison
 * of two versions.
 */
export function ImageVersionsContent(props: {
  pageSize?: number;
  filterDebounceMs?: number;
}) {
  const { entity } = useEntity();
  if (!isImageFactoryImage(entity)) {
    return (
      <WarningPanel
        title="Not an image"
        message="This tab shows the versions of entities of kind Image."
      />
    );
  }
  return (
    <ImageVersions
      key={entity.metadata.name}
      image={{
        namespace: entity.metadata.namespace ?? 'default',
        name: entity.metadata.name,
      }}
      pageSize={props.pageSize ?? PAGE_SIZE}
      filterDebounceMs={props.filterDebounceMs ?? FILTER_DEBOUNCE_MS}
    />
  );
}
