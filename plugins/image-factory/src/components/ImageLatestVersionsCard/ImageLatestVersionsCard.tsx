import {
  Box,
  Chip,
  List,
  ListItem,
  ListItemText,
  Tooltip,
  Typography,
} from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  ImageVersion,
  ImageVersionLineage,
} from '@image-factory/plugin-image-factory-common';
import { useImageVersions } from '../../hooks/useImageVersions';
import { isImageFactoryImage } from '../../predicates';
import { relativeTime, shortDigest, when } from '../ImageBuildsContent/format';
import {
  ImageRoute,
  useVersionLinks,
} from '../ImageVersionsContent/versionLinks';
import { orderTags } from '../ImageVersionsContent/versionFormat';

const SHOWN = 3;

/** The base furthest behind its newest digest, if any is behind. */
function staleBase(version: ImageVersion): ImageVersionLineage | undefined {
  return (version.lineage ?? [])
    .filter(l => (l.versionsBehind ?? 0) > 0)
    .sort((a, b) => (b.versionsBehind ?? 0) - (a.versionsBehind ?? 0))[0];
}

function LatestVersion(props: { version: ImageVersion; index: number }) {
  const { version, index } = props;
  const tags = orderTags(version.tags);
  const base = staleBase(version);
  return (
    <ListItem disableGutters divider aria-label={tags[0] ?? version.digest}>
      <ListItemText
        primary={
          <Box display="flex" flexWrap="wrap" alignItems="center" gridGap={6}>
            <code>{tags[0] ?? shortDigest(version.digest)}</code>
            {tags.length > 1 && (
              <Typography variant="caption" color="textSecondary">
                {tags.slice(1).join(', ')}
              </Typography>
            )}
          </Box>
        }
        secondary={
          version.createdAt ? (
            <Tooltip title={when(version.createdAt)}>
              <time dateTime={version.createdAt}>
                {relativeTime(version.createdAt)}
              </time>
            </Tooltip>
          ) : (
            'date unknown'
          )
        }
      />
      <Box display="flex" gridGap={6} flexShrink={0}>
        <Chip
          size="small"
          color={index === 0 ? 'primary' : 'default'}
          label={index === 0 ? 'newest' : `${index} behind`}
        />
        {base && (
          <Tooltip
            title={`${base.imageName ?? base.reference} has ${
              base.versionsBehind
            } newer digests than the one this version was built on`}
          >
            <Chip
              size="small"
              icon={<WarningIcon />}
              label={`base ${base.versionsBehind} behind`}
            />
          </Tooltip>
        )}
      </Box>
    </ListItem>
  );
}

function LatestVersions(props: { image: ImageRoute }) {
  const links = useVersionLinks(props.image);
  const { list, error } = useImageVersions(props.image.name, {
    sort: 'date',
    // The factory's earlier builds keep only their run tags: they count here.
    hideMachineTags: false,
    limit: SHOWN,
  });
  let content;
  if (error && !list) {
    content = (
      <ResponseErrorPanel error={error} title="Could not load the versions" />
    );
  } else if (!list) {
    content = <Progress />;
  } else if (list.items.length === 0) {
    content = (
      <EmptyState
        missing="data"
        title="No versions yet"
        description={`${list.source.registry}/${list.source.repository} has no tags yet.`}
      />
    );
  } else {
    content = (
      <>
        {list.source.state === 'unreachable' && (
          <Typography variant="caption" color="error" component="p">
            Registry unreachable
            {list.source.unreachableSince &&
              ` since ${when(list.source.unreachableSince)}`}
            , showing versions as of {when(list.source.listedAt)}
          </Typography>
        )}
        <List dense aria-label="Latest versions">
          {list.items.map((v, i) => (
            <LatestVersion key={v.digest} version={v} index={i} />
          ))}
        </List>
      </>
    );
  }
  return (
    <InfoCard
      title="Latest versions"
      deepLink={{ title: 'All versions', link: links.versions() }}
    >
      {content}
    </InfoCard>
  );
}

/**
 * The overview card of an Image: its newest versions by date (a person's
 * tag shown first) with their age, "newest" / "N behind" markers, and a warning when
 * a version was built on a base that has newer digests since.
 */
export function ImageLatestVersionsCard() {
  const { entity } = useEntity();
  if (!isImageFactoryImage(entity)) {
    return (
      <WarningPanel
        title="Not an image"
        message="This card shows the versions of entities of kind Image."
      />
    );
  }
  return (
    <LatestVersions
      key={entity.metadata.name}
      image={{
        namespace: entity.metadata.namespace ?? 'default',
        name: entity.metadata.name,
      }}
    />
  );
}
