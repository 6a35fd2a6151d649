import { Chip, Grid, Typography } from '@material-ui/core';
import { InfoCard, Link, WarningPanel } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ImageBuildEntityV1alpha1,
  isImageBuildEntity,
} from '@image-factory/plugin-image-factory-common';
import { useBuildRun } from '../../hooks/useBuildRun';
import { CopyableCode, Digest } from '../ImageBuildsContent/Digest';
import { CAUSE_LABELS, when } from '../ImageBuildsContent/format';
import { Missing, OverviewField } from '../ImageOverviewCard/OverviewField';
import { imageRouteParams, runIdOf } from './buildLinks';

function BuildOverview(props: { entity: ImageBuildEntityV1alpha1 }) {
  const { entity } = props;
  const { spec } = entity;
  const runId = runIdOf(entity);
  const { run } = useBuildRun(runId);
  const entityRoute = useRouteRef(entityRouteRef);
  const runUrl = runId
    ? `${entityRoute(imageRouteParams(entity))}/builds?run=${encodeURIComponent(
        runId,
      )}`
    : undefined;
  return (
    <Grid container spacing={2}>
      <OverviewField label="Image">
        <EntityRefLink entityRef={spec.image} defaultKind="image" />
      </OverviewField>
      <OverviewField label="Run">
        {runUrl ? (
          <Link to={runUrl}>Open the run in the Builds tab</Link>
        ) : (
          <Missing>Not known</Missing>
        )}
      </OverviewField>
      <OverviewField label="Cause">
        <Typography variant="body2">
          {CAUSE_LABELS[spec.cause] ?? spec.cause}
        </Typography>
        {run?.causeDetail && (
          <Typography variant="body2" color="textSecondary">
            {run.causeDetail}
          </Typography>
        )}
        {run?.requestedBy && (
          <Typography variant="body2" color="textSecondary">
            Requested by{' '}
            <EntityRefLink entityRef={run.requestedBy} defaultKind="user" />
          </Typography>
        )}
      </OverviewField>
      <OverviewField label="Finished">
        <Typography variant="body2">{when(spec.createdAt)}</Typography>
      </OverviewField>
      <OverviewField label="Pull by digest" gridSizes={{ xs: 12 }}>
        <CopyableCode
          value={`docker pull ${spec.reference}`}
          label="pull command"
        />
      </OverviewField>
      <OverviewField label="Image index digest" gridSizes={{ xs: 12 }}>
        <Digest digest={spec.digest} label="image index digest" />
        <Typography variant="body2" color="textSecondary">
          The OCI image index that joins the platforms below; pulls resolve it
          to the platform of the machine.
        </Typography>
      </OverviewField>
      <OverviewField label="Tags">
        {spec.tags?.length ? (
          spec.tags.map(tag => <Chip key={tag} label={tag} size="small" />)
        ) : (
          <Missing>None</Missing>
        )}
      </OverviewField>
      <OverviewField label="Built by">
        {spec.producedBy ? (
          <EntityRefLink entityRef={spec.producedBy} defaultKind="provider" />
        ) : (
          <Missing>Not known</Missing>
        )}
      </OverviewField>
    </Grid>
  );
}

/**
 * The overview card of an ImageBuild entity: its Image, why it was built,
 * the pinned reference and index digest, and a link to the run in the
 * Image's Builds tab.
 */
export function ImageBuildOverviewCard() {
  const { entity } = useEntity();
  if (!isImageBuildEntity(entity)) {
    return (
      <WarningPanel
        title="Not an image build"
        message="This card shows entities of kind ImageBuild."
      />
    );
  }
  return (
    <InfoCard title="Build">
      <BuildOverview entity={entity} />
    </InfoCard>
  );
}
