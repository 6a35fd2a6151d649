import { screen, within } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { RegistryBudget } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { emptyStatus } from '../../__fixtures__/status';
import { RegistryBudgetCard } from './RegistryBudgetCard';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const dockerHub: RegistryBudget = {
  host: 'docker.io',
  requestsPerHour: 16,
  burst: 16,
  intervalMs: 24 * HOUR,
  tokensLeft: 12,
  requestsLastHour: 4,
  requestsLastDay: 31,
  reported: {
    limit: 100,
    remaining: 76,
    windowSeconds: 21600,
    reportedAt: at(-2 * MINUTE),
  },
  watchedReferences: 3,
  nextCheckAt: at(3 * HOUR),
};

const ghcr: RegistryBudget = {
  host: 'ghcr.io',
  intervalMs: 6 * HOUR,
  requestsLastHour: 1,
  requestsLastDay: 1,
  postponedUntil: at(5 * MINUTE + 20_000),
  postponedReason: '429',
  lastError:
    'RegistryRateLimitError: Registry ghcr.io rate-limited HEAD manifest',
  lastErrorAt: at(-MINUTE - 20_000),
  watchedReferences: 1,
};

const quay: RegistryBudget = {
  host: 'quay.io',
  requestsPerHour: 2,
  burst: 2,
  intervalMs: 24 * HOUR,
  tokensLeft: 0,
  nextTokenAt: at(20 * MINUTE + 20_000),
  requestsLastHour: 2,
  requestsLastDay: 2,
  postponedUntil: at(20 * MINUTE + 20_000),
  postponedReason: 'budget',
  watchedReferences: 4,
};

async function renderCard(api: InMemoryImageFactoryApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
      <RegistryBudgetCard refreshIntervalMs={0} />
    </TestApiProvider>,
  );
}

const rowOf = (host: string) => within(screen.getByText(host).closest('tr')!);

describe('RegistryBudgetCard', () => {
  it("shows each host's budget, tokens left, requests sent and what the registry reports", async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.registryBudgets = {
      enabled: true,
      countingSince: at(-2 * HOUR),
      items: [dockerHub, ghcr, quay],
    };
    await renderCard(api);

    expect(
      await screen.findByText('Registry request budgets'),
    ).toBeInTheDocument();
    const hub = rowOf('docker.io');
    expect(hub.getByText('16 / h, burst 16')).toBeInTheDocument();
    expect(hub.getByText('checks every 24 h')).toBeInTheDocument();
    expect(hub.getByText('12 / 16 left')).toBeInTheDocument();
    expect(
      hub.getByRole('progressbar', { name: 'Tokens left for docker.io' }),
    ).toHaveAttribute('aria-valuenow', '75');
    expect(hub.getByText('76 / 100 left')).toBeInTheDocument();
    expect(
      hub.getByRole('progressbar', {
        name: 'Reported remaining for docker.io',
      }),
    ).toHaveAttribute('aria-valuenow', '76');
    expect(hub.getByText(/per 6 h/)).toBeInTheDocument();
    expect(hub.getByText('4 in the last hour')).toBeInTheDocument();
    expect(hub.getByText('31 in the last day')).toBeInTheDocument();
    expect(hub.getByText('3 watched references')).toBeInTheDocument();
    expect(hub.getByText('next in 3 h')).toBeInTheDocument();
    expect(hub.getByText('—')).toBeInTheDocument();
  });

  it('says until when and why a host waits, and its last error', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.registryBudgets = { enabled: true, items: [ghcr, quay] };
    await renderCard(api);

    await screen.findByText('ghcr.io');
    const github = rowOf('ghcr.io');
    expect(github.getByText('unlimited')).toBeInTheDocument();
    expect(github.getByText('checks every 6 h')).toBeInTheDocument();
    expect(github.getByText('in 5 min')).toBeInTheDocument();
    expect(github.getByText('registry answered 429')).toBeInTheDocument();
    expect(github.getByText(ghcr.lastError!)).toBeInTheDocument();
    expect(github.getByText('1 min ago')).toBeInTheDocument();
    expect(github.getByText('nothing')).toBeInTheDocument();

    const spent = rowOf('quay.io');
    expect(spent.getByText('0 / 2 left')).toBeInTheDocument();
    expect(spent.getByText('budget spent')).toBeInTheDocument();
    expect(spent.getAllByText('in 20 min')).toHaveLength(2);
  });

  it('says which hosts are switched off', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.registryBudgets = {
      enabled: true,
      items: [
        {
          host: 'registry.internal',
          enabled: false,
          intervalMs: 24 * HOUR,
          requestsLastHour: 0,
          requestsLastDay: 0,
          watchedReferences: 0,
        },
      ],
    };
    await renderCard(api);
    await screen.findByText('registry.internal');
    expect(
      rowOf('registry.internal').getByText('switched off: never checked'),
    ).toBeInTheDocument();
  });

  it('says when tracking is disabled', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.registryBudgets = { enabled: false, items: [] };
    await renderCard(api);
    expect(
      await screen.findByText('Base-image tracking is disabled'),
    ).toBeInTheDocument();
  });

  it('shows an empty state without registries', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    await renderCard(api);
    expect(
      await screen.findByText('No registries polled yet'),
    ).toBeInTheDocument();
  });

  it('shows why the budgets could not be loaded', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.registryBudgets = new Error('backend down');
    await renderCard(api);
    expect(
      await screen.findByText(/Could not load the registry request budgets/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/backend down/).length).toBeGreaterThan(0);
  });
});
