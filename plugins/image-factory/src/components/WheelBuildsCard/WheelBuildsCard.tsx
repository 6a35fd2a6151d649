import { useEffect } from 'react';
import { Box, Typography } from '@material-ui/core';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { isWheelEntity } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { useReloadable } from '../../hooks/useReloadable';
import { refineryRouteRef } from '../../routes';
import { RefineryJobsTable } from '../RefineryPage/RefineryJobsTable';

/** How often the card looks again while a build of the wheel runs. */
const BUILDING_POLL_MS = 3000;

/**
 * The Wheel entity's refinery card: the wheel files the index serves and
 * the latest build per target (QEMU or native, attempts and hints, the
 * failure), each build's log a click away; followed while one builds.
 */
export function WheelBuildsCard() {
  const { entity } = useEntity();
  const api = useApi(imageFactoryApiRef);
  const refineryLink = useRouteRef(refineryRouteRef);
  const project = isWheelEntity(entity)
    ? entity.spec.package
    : entity.metadata.name;
  const { value, error, reload } = useReloadable(
    () => api.getRefineryWheel(project),
    [api, project],
  );
  useEffect(() => {
    if (value?.status !== 'building') return undefined;
    const timer = setTimeout(reload, BUILDING_POLL_MS);
    return () => clearTimeout(timer);
  }, [value, reload]);

  if (error && !value) {
    return (
      <ResponseErrorPanel error={error} title="Could not load the wheel" />
    );
  }
  if (!value) return <Progress />;
  return (
    <InfoCard
      title="Refinery"
      subheader={`${value.files.length} wheel${
        value.files.length === 1 ? '' : 's'
      } in the index`}
      deepLink={{ title: 'Refinery page', link: refineryLink() }}
    >
      <Box mb={2}>
        {value.files.map(f => (
          <Typography key={f.filename} variant="body2">
            {f.filename}
            {f.architecture ? ` (${f.architecture})` : ' (pure Python)'}
            {f.yanked ? ', yanked' : ''}
          </Typography>
        ))}
        <Typography variant="body2" color="textSecondary">
          Needed by the wheel sets {value.sets.join(', ') || '(none)'} ·{' '}
          <Link to={refineryLink()}>all runs</Link>
        </Typography>
      </Box>
      <RefineryJobsTable title="Latest builds" jobs={value.latest} />
    </InfoCard>
  );
}
