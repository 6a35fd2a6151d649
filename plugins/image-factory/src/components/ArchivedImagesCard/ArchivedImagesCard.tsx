import {
  Box,
  Chip,
  Divider,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ArchivedImage,
  ImageHistoryEvent,
} from '@image-factory/plugin-image-factory-common';
import { useArchivedImages } from '../../hooks/useArchivedImages';
import { enrollRouteRef } from '../../routes';
import { BuildStatusChip } from '../ImageBuildsContent/BuildStatusChip';
import { Digest } from '../ImageBuildsContent/Digest';
import { CAUSE_LABELS, when } from '../ImageBuildsContent/format';
import { ReenrollButton } from './ReenrollButton';

/** The anchor of the card, for links such as "see the archive". */
export const ARCHIVED_IMAGES_ANCHOR = 'archived-images';

const EVENT_LABELS: Record<ImageHistoryEvent['event'], string> = {
  enrolled: 'Enrolled',
  unenrolled: 'Un-enrolled',
  're-enrolled': 'Re-enrolled',
};

function History(props: { image: ArchivedImage }) {
  const { image } = props;
  // Images archived before the factory recorded events still have these two.
  const events: ImageHistoryEvent[] = image.history.length
    ? image.history
    : [
        { event: 'enrolled', at: image.firstSeenAt },
        { event: 'unenrolled', at: image.archivedAt },
      ];
  return (
    <ol aria-label={`History of ${image.name}`} style={{ margin: 0 }}>
      {events.map((e, i) => (
        <li key={i}>
          <Typography variant="body2">
            {EVENT_LABELS[e.event]} {when(e.at)}
          </Typography>
        </li>
      ))}
    </ol>
  );
}

function Builds(props: { image: ArchivedImage }) {
  const { image } = props;
  if (image.builds.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Never built by the factory.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={`Builds of ${image.name}`}>
      <TableHead>
        <TableRow>
          <TableCell>Status</TableCell>
          <TableCell>Cause</TableCell>
          <TableCell>Queued</TableCell>
          <TableCell>Image index digest</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {image.builds.map(run => (
          <TableRow key={run.id}>
            <TableCell>
              <BuildStatusChip status={run.status} />
            </TableCell>
            <TableCell>
              {CAUSE_LABELS[run.cause] ?? run.cause}
              {run.causeDetail && (
                <Typography variant="body2" color="textSecondary">
                  {run.causeDetail}
                </Typography>
              )}
            </TableCell>
            <TableCell>{when(run.createdAt)}</TableCell>
            <TableCell>
              {run.indexDigest ? (
                <Digest digest={run.indexDigest} label="image index digest" />
              ) : (
                '—'
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function ArchivedImageItem(props: {
  image: ArchivedImage;
  enrollPath: string;
}) {
  const { image, enrollPath } = props;
  return (
    <Box component="section" aria-label={image.name} py={2}>
      <Box display="flex" alignItems="center" gridGap={8} flexWrap="wrap">
        <Typography variant="h6" component="h3">
          {image.name}
        </Typography>
        <Chip label={image.type} size="small" />
        <Typography variant="body2" color="textSecondary">
          owned by <EntityRefLink entityRef={image.owner} defaultKind="group" />
        </Typography>
        <Box flexGrow={1} />
        <ReenrollButton image={image} enrollPath={enrollPath} />
      </Box>
      <Typography variant="body2">
        <code>{image.reference}</code>
      </Typography>
      <Box display="flex" gridGap={32} flexWrap="wrap" mt={1}>
        <Box minWidth={220}>
          <Typography variant="subtitle2">History</Typography>
          <History image={image} />
        </Box>
        <Box flexGrow={1}>
          <Typography variant="subtitle2">Builds</Typography>
          <Builds image={image} />
        </Box>
      </Box>
    </Box>
  );
}

/**
 * The images un-enrolled from images.yaml, newest first: each with its
 * enrollments and un-enrollments, its last builds, and "Re-enroll", which
 * opens the enroll form filled in with its last entry. Enrolling it again
 * under the same name brings its history back.
 */
export function ArchivedImagesCard() {
  const { images, error } = useArchivedImages();
  const enrollLink = useRouteRef(enrollRouteRef);

  let body;
  if (error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the archived images"
      />
    );
  } else if (!images) {
    body = <Progress />;
  } else if (images.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No archived images"
        description="Every image the factory has known is in images.yaml. An un-enrolled image is kept here with its history and builds."
      />
    );
  } else {
    body = images.map((image, i) => (
      <Box key={image.entityRef}>
        {i > 0 && <Divider />}
        <ArchivedImageItem image={image} enrollPath={enrollLink()} />
      </Box>
    ));
  }

  return (
    <div id={ARCHIVED_IMAGES_ANCHOR}>
      <InfoCard
        title="Archived images"
        subheader="Un-enrolled from images.yaml; their history and builds stay here"
      >
        {body}
      </InfoCard>
    </div>
  );
}
