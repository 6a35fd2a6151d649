import { Box, Typography } from '@material-ui/core';
import { Link, Progress, WarningPanel } from '@backstage/core-components';
import { useRouteRef, useRouteRefParams } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { useArchivedImages } from '../../hooks/useArchivedImages';
import { enrollRouteRef, rootRouteRef } from '../../routes';
import { ARCHIVED_IMAGES_ANCHOR } from '../ArchivedImagesCard';
import { ReenrollButton } from '../ArchivedImagesCard/ReenrollButton';
import { when } from '../ImageBuildsContent/format';

/** The kinds whose missing entities may be in the factory's archive. */
const FACTORY_KINDS = ['image', 'imagebuild'];

function NotInCatalog(props: { name: string }) {
  return (
    <WarningPanel title="Entity not found" defaultExpanded>
      There is no {props.name} in the catalog.
    </WarningPanel>
  );
}

function ArchiveHint(props: { kind: string; name: string }) {
  const { kind, name } = props;
  const { images, error } = useArchivedImages();
  const root = useRouteRef(rootRouteRef);
  const enroll = useRouteRef(enrollRouteRef);
  const archiveUrl = `${root()}#${ARCHIVED_IMAGES_ANCHOR}`;
  if (!images && !error) return <Progress />;
  const archived =
    kind === 'image' ? images?.find(i => i.name === name) : undefined;
  if (!archived) {
    return (
      <WarningPanel title="Entity not found" defaultExpanded>
        There is no {kind === 'image' ? 'image' : 'image build'} named {name} in
        the catalog. An un-enrolled image and its builds are kept in the{' '}
        <Link to={archiveUrl}>Archived images</Link> of the Image Factory page.
      </WarningPanel>
    );
  }
  return (
    <WarningPanel
      severity="info"
      defaultExpanded
      title={`${name} was un-enrolled ${when(archived.archivedAt)}`}
    >
      <Typography variant="body2">
        It is no longer in images.yaml, so it is not in the catalog. Its history
        and builds are kept in the <Link to={archiveUrl}>Archived images</Link>.
      </Typography>
      <Box mt={2}>
        <ReenrollButton
          image={archived}
          enrollPath={enroll()}
          label={`Re-enroll ${name}`}
        />
      </Box>
    </WarningPanel>
  );
}

/**
 * What an entity page shows for an entity the catalog does not have: for an
 * Image that was un-enrolled, when, and links to the archive and to
 * "Re-enroll"; for other Image Factory kinds, where the archive is.
 */
export function EntityNotFound() {
  const { kind = '', name = '' } = useRouteRefParams(entityRouteRef) ?? {};
  const lowerKind = kind.toLocaleLowerCase('en-US');
  if (!FACTORY_KINDS.includes(lowerKind)) {
    return <NotInCatalog name={name || 'such entity'} />;
  }
  return <ArchiveHint kind={lowerKind} name={name} />;
}
