import { Chip } from '@material-ui/core';
import { EmptyState, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { ProviderStatus } from '@image-factory/plugin-image-factory-common';

const columns: TableColumn<ProviderStatus>[] = [
  { title: 'ID', field: 'id', highlight: true },
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
    render: provider =>
      provider.platforms && provider.platforms.length > 0
        ? provider.platforms.map(platform => (
            <Chip key={platform} label={platform} size="small" />
          ))
        : '—',
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
