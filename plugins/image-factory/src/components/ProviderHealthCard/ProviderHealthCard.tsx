import { Chip, Grid, Typography } from '@material-ui/core';
import {
  InfoCard,
  Progress,
  StatusError,
  StatusOK,
  StatusWarning,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { ProviderHealth } from '@image-factory/plugin-image-factory-common';
import useAsync from 'react-use/esm/useAsync';
import { imageFactoryApiRef } from '../../api';
import { OverviewField } from '../ImageOverviewCard/OverviewField';
import { builderLabel } from './builderLabel';

const STATES: Record<
  ProviderHealth['state'],
  { label: string; Light: typeof StatusOK }
> = {
  ok: { label: 'OK', Light: StatusOK },
  'invalid-credentials': { label: 'Invalid credentials', Light: StatusError },
  unreachable: { label: 'Unreachable', Light: StatusWarning },
};

/**
 * The health and capabilities of a Provider entity (an executor, registry or
 * source host), from the factory's last check of it.
 */
export function ProviderHealthCard() {
  const { entity } = useEntity();
  const api = useApi(imageFactoryApiRef);
  const ref = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(() => api.getStatus(), [api]);

  if (loading) return <Progress />;
  if (error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not read the provider's health"
        message={error.message}
      />
    );
  }
  const provider = value?.providers.find(p => p.entityRef === ref);
  const health = provider?.health;
  return (
    <InfoCard
      title="Health"
      subheader="As the Image Factory last checked it (cached about 30 s)"
    >
      <>
        {!provider && (
          <Typography>
            The factory's configuration has no provider for {ref}.
          </Typography>
        )}
        {provider && !health && (
          <Typography>
            Not checked yet: the factory checks on its next status read.
          </Typography>
        )}
        {provider && health && (
          <Grid container spacing={2}>
            <OverviewField label="State">
              {(() => {
                const { label, Light } = STATES[health.state];
                return <Light>{label}</Light>;
              })()}
            </OverviewField>
            <OverviewField label="Checked">
              {new Date(health.checkedAt).toLocaleString()}
            </OverviewField>
            <OverviewField label="Details" gridSizes={{ xs: 12 }}>
              {health.message}
            </OverviewField>
            {health.builder && (
              <OverviewField label="Builder">
                <span title={health.builder.description}>
                  {builderLabel(health.builder)}
                </span>
              </OverviewField>
            )}
            {provider.capabilities && (
              <OverviewField label="Platforms" gridSizes={{ xs: 12 }}>
                {provider.capabilities.platforms.map(platform => (
                  <Chip
                    key={platform}
                    size="small"
                    label={
                      provider.capabilities!.emulated.includes(platform)
                        ? `${platform} (QEMU)`
                        : platform
                    }
                  />
                ))}
              </OverviewField>
            )}
          </Grid>
        )}
      </>
    </InfoCard>
  );
}
