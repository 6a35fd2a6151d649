import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ImageBuildEntityV1alpha1,
  isImageBuildEntity,
} from '@image-factory/plugin-image-factory-common';
import { useBuildRun } from '../../hooks/useBuildRun';
import { BuildRunDetails } from '../ImageBuildsContent/BuildRunDetails';
import { Digest } from '../ImageBuildsContent/Digest';
import { runIdOf } from './buildLinks';

/** What the entity itself says, when the run cannot be read. */
function FromEntity(props: { entity: ImageBuildEntityV1alpha1 }) {
  const { spec } = props.entity;
  return (
    <>
      <Table size="small" aria-label="Platforms">
        <TableHead>
          <TableRow>
            <TableCell>Platform</TableCell>
            <TableCell>Manifest digest</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {spec.platforms.map(p => (
            <TableRow key={p.platform}>
              <TableCell component="th" scope="row">
                <code>{p.platform}</code>
              </TableCell>
              <TableCell>
                <Digest digest={p.digest} label={`${p.platform} digest`} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Box mt={2}>
        <Typography variant="subtitle2">Base images</Typography>
        {spec.builtFrom?.length ? (
          spec.builtFrom.map(b => (
            <div key={b.reference}>
              <code>{b.reference}</code>{' '}
              <Digest digest={b.digest} label={`${b.reference} digest`} />
            </div>
          ))
        ) : (
          <Typography variant="body2" color="textSecondary">
            None recorded
          </Typography>
        )}
      </Box>
    </>
  );
}

function Inputs(props: { entity: ImageBuildEntityV1alpha1 }) {
  const { run, loading, error } = useBuildRun(runIdOf(props.entity));
  if (loading) return <Progress />;
  if (run) return <BuildRunDetails run={run} />;
  return (
    <>
      {error && (
        <Box mb={2}>
          <WarningPanel
            severity="info"
            title="The run's inputs cannot be read"
            message={`Commit, Dockerfile and build args come from the run: ${error.message}`}
          />
        </Box>
      )}
      <FromEntity entity={props.entity} />
    </>
  );
}

/**
 * The inputs and platforms of an ImageBuild entity: the commit, the
 * Dockerfile's digest, the build args and the base images' digests it was
 * built from, and each platform with its manifest digest.
 */
export function ImageBuildInputsCard() {
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
    <InfoCard
      title="Inputs and platforms"
      subheader="What this build was made from, and each platform's manifest"
    >
      <Inputs entity={entity} />
    </InfoCard>
  );
}
