import { Box, Chip, Grid, Typography } from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  ImageEntityV1alpha1,
  WatchedImageStatus,
  isImageEntity,
} from '@image-factory/plugin-image-factory-common';
import { useFactoryStatus } from '../../hooks/useFactoryStatus';
import { Missing, OverviewField } from '../ImageOverviewCard/OverviewField';
import { Digest } from '../ImageBuildsContent/Digest';
import { shortDigest } from '../ImageBuildsContent/format';
import { findWatchedStatus } from './findWatchedStatus';
import { TrackingProblem } from '../TrackingProblem';

const TITLE = 'Upstream digest';

const when = (iso: string) => new Date(iso).toLocaleString();

function When(props: { iso?: string; fallback: string }) {
  if (!props.iso) return <Missing>{props.fallback}</Missing>;
  return (
    <Typography variant="body2">
      <time dateTime={props.iso}>{when(props.iso)}</time>
    </Typography>
  );
}

/** What the card says before the first successful check. */
function noDigestYet(row: WatchedImageStatus): string {
  const next = row.nextCheckAt
    ? `next check ${when(row.nextCheckAt)}`
    : 'next check at the next tracking run';
  return row.lastCheckedAt
    ? `No digest yet: the last check failed — ${next}`
    : `Not checked yet — ${next}`;
}

function PreviousDigests(props: { row: WatchedImageStatus }) {
  const { row } = props;
  // The history leads with the current digest; the rest are the ones it replaced.
  const previous = (row.history ?? []).filter(h => h.digest !== row.digest);
  if (previous.length === 0) {
    return (
      <Missing>
        None: the digest has not changed since the factory first saw it
      </Missing>
    );
  }
  return (
    <ul style={{ margin: 0, paddingLeft: 16 }}>
      {previous.map(h => (
        <li key={h.digest}>
          <Typography variant="body2" component="span">
            <code title={h.digest}>{shortDigest(h.digest)}</code>, seen from{' '}
            <time dateTime={h.firstSeenAt}>{when(h.firstSeenAt)}</time> to{' '}
            <time dateTime={h.lastSeenAt}>{when(h.lastSeenAt)}</time>
          </Typography>
        </li>
      ))}
    </ul>
  );
}

function Tracking(props: { row: WatchedImageStatus; dependents: string[] }) {
  const { row, dependents } = props;
  return (
    <Grid container spacing={2}>
      <OverviewField label="Current digest" gridSizes={{ xs: 12 }}>
        {row.digest ? (
          <Digest digest={row.digest} label="current digest" />
        ) : (
          <Missing>{noDigestYet(row)}</Missing>
        )}
      </OverviewField>
      {row.platforms && row.platforms.length > 0 && (
        <OverviewField label="Platform digests" gridSizes={{ xs: 12 }}>
          {row.platforms.map(p => (
            <Box key={p.platform} display="flex" alignItems="center">
              <Chip label={p.platform} size="small" />
              <Digest digest={p.digest} label={`${p.platform} digest`} />
            </Box>
          ))}
        </OverviewField>
      )}
      {row.digest && (
        <>
          <OverviewField label="Watched since">
            <When iso={row.watchedSince} fallback="Unknown" />
          </OverviewField>
          <OverviewField label="Last changed">
            <When iso={row.firstSeenAt} fallback="Unknown" />
          </OverviewField>
        </>
      )}
      <OverviewField label="Last checked">
        <When iso={row.lastCheckedAt} fallback="Not checked yet" />
      </OverviewField>
      <OverviewField label="Next check">
        <When iso={row.nextCheckAt} fallback="At the next tracking run" />
      </OverviewField>
      {row.lastError && (
        <OverviewField label="Last check" gridSizes={{ xs: 12 }}>
          <TrackingProblem row={row} />
        </OverviewField>
      )}
      {row.digest && (
        <OverviewField label="Previous digests" gridSizes={{ xs: 12 }}>
          <PreviousDigests row={row} />
        </OverviewField>
      )}
      <OverviewField label="Images built from it" gridSizes={{ xs: 12 }}>
        {dependents.length > 0 ? (
          dependents.map(ref => (
            <div key={ref}>
              <EntityRefLink entityRef={ref} defaultKind="image" />
            </div>
          ))
        ) : (
          <Missing>No image in the factory is built from it</Missing>
        )}
      </OverviewField>
    </Grid>
  );
}

function TrackingCard(props: { entity: ImageEntityV1alpha1 }) {
  const { entity } = props;
  const { status, loading, error } = useFactoryStatus();
  let content;
  if (error) {
    content = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the tracking status"
      />
    );
  } else if (!status) {
    content = loading ? <Progress /> : null;
  } else if (!status.tracking) {
    content = (
      <EmptyState
        missing="info"
        title="Base-image tracking is off"
        description="Tracking is disabled in app-config (imageFactory.tracking.enabled), so the factory does not poll this image's digest."
      />
    );
  } else {
    const lookup = findWatchedStatus(entity, status.tracking.references);
    if (lookup.kind === 'pinned') {
      content = (
        <EmptyState
          missing="info"
          title="Pinned by digest"
          description="The reference names a digest and no tag, so it never changes and the factory does not watch it."
        />
      );
    } else if (lookup.kind === 'unwatched') {
      content = (
        <EmptyState
          missing="data"
          title="Not watched yet"
          description="The factory starts watching this reference at its next tracking run, after it reads images.yaml again."
        />
      );
    } else {
      content = <Tracking row={lookup.row} dependents={lookup.dependents} />;
    }
  }
  return (
    <InfoCard title={TITLE} subheader={entity.spec.reference}>
      {content}
    </InfoCard>
  );
}

/**
 * The upstream digest card of a base, external or discovered Image entity:
 * its current digest and platform digests, when the factory first saw it and
 * when it last changed, the check schedule and last error, the digests it
 * replaced, and the images built FROM it.
 */
export function ImageTrackingCard() {
  const { entity } = useEntity();
  if (!isImageEntity(entity)) {
    return (
      <WarningPanel
        title="Not an image"
        message="This card shows the upstream digest of entities of kind Image."
      />
    );
  }
  return <TrackingCard entity={entity} />;
}
