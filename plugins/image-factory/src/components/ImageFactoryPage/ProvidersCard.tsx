import { Chip, Tooltip } from '@material-ui/core';
import {
  EmptyState,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { ProviderStatus } from '@image-factory/plugin-image-factory-common';
import { builderLabel } from '../ProviderHealthCard/builderLabel';

/** The last health check in words, with a status light; '—' before the first. */
function Health(props: { provider: ProviderStatus }) {
  const { health } = props.provider;
  if (!health) return <>—</>;
  const label =
    {
      ok: 'OK',
      'invalid-credentials': 'Invalid credentials',
      unreachable: 'Unreachable',
    }[health.state] ?? health.state;
  const Light =
    {
      ok: StatusOK,
      'invalid-credentials': StatusError,
      unreachable: StatusWarning,
    }[health.state] ?? StatusWarning;
  return (
    <Tooltip title={health.message}>
      <span>
        <Light>{label}</Light>
      </span>
    </Tooltip>
  );
}

const columns: TableColumn<ProviderStatus>[] = [
  { title: 'ID', field: 'id', highlight: true },
  {
    title: 'Health',
    field: 'health.state',
    render: provider => <Health provider={provider} />,
  },
  { title: 'Type', field: 'type' },
  { title: 'Implementation', field: 'implementation' },
  {
    title: 'Endpoint',
    field: 'endpoint',
    render: provider => <code>{provider.endpoint}</code>,
  },
  {
    title: 'Platforms',
    field: 'platforms',
    sorting: false,
    render: provider => {
      const platforms =
        provider.capabilities?.platforms ?? provider.platforms ?? [];
      const emulated = new Set(provider.capabilities?.emulated ?? []);
      return platforms.length > 0
        ? platforms.map(platform => (
            <Chip
              key={platform}
              label={emulated.has(platform) ? `${platform} (QEMU)` : platform}
              size="small"
            />
          ))
        : '—';
    },
  },
  {
    title: 'Builder',
    field: 'capabilities.builder.builder',
    render: provider => {
      const builder = provider.capabilities?.builder;
      return builder ? (
        <Tooltip title={builder.description}>
          <span>{builderLabel(builder)}</span>
        </Tooltip>
      ) : (
        '—'
      );
    },
  },
  {
    title: 'Entity',
    field: 'entityRef',
    render: provider => (
      <EntityRefLink entityRef={provider.entityRef} defaultKind="provider" />
    ),
  },
];

/** The executors, registries and source hosts the factory is configured with. */
export function ProvidersCard(props: { providers: ProviderStatus[] }) {
  const { providers } = props;
  if (providers.length === 0) {
    return (
      <EmptyState
        missing="info"
        title="No providers configured"
        description="Add executors, registries and source hosts under imageFactory.providers in app-config.yaml; the factory lists them here once the backend has read them."
      />
    );
  }
  return (
    <Table<ProviderStatus>
      title="Providers"
      columns={columns}
      data={providers}
      options={{
        paging: providers.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
      }}
    />
  );
}
