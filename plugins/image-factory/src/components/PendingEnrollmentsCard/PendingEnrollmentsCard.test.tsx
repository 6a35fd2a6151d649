import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import {
  enrollmentFixture,
  someEnrollments,
} from '../../__fixtures__/enrollments';
import { emptyStatus } from '../../__fixtures__/status';
import { PendingEnrollmentsCard } from './PendingEnrollmentsCard';

// Rendering and servers are slow on a busy 2-core machine.
jest.setTimeout(30_000);

async function renderCard(api: InMemoryImageFactoryApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
      <PendingEnrollmentsCard />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

function withEnrollments() {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.enrollments = someEnrollments;
  return api;
}

async function rowOfPullRequest(number: number) {
  const link = await screen.findByRole('link', {
    name: new RegExp(`^#${number},`),
  });
  return within(link.closest('tr')!);
}

async function showState(label: string) {
  await userEvent.click(
    screen.getByRole('button', { name: 'Filter by state' }),
  );
  await userEvent.click(screen.getByRole('option', { name: label }));
}

describe('PendingEnrollmentsCard', () => {
  it('lists the open change requests by default', async () => {
    const api = withEnrollments();
    await renderCard(api);

    const row = await rowOfPullRequest(12);
    expect(row.getByText('Enroll')).toBeInTheDocument();
    // Not in the catalog until the pull request is merged: no link.
    expect(row.getByText('hello-api')).toBeInTheDocument();
    expect(row.queryByRole('link', { name: /hello-api/ })).toBeNull();
    expect(row.getByRole('link', { name: /jane/ })).toHaveAttribute(
      'href',
      '/catalog/default/user/jane',
    );
    expect(row.getByRole('link', { name: /^#12,/ })).toHaveAttribute(
      'href',
      'https://github.com/acme/factory-config/pull/12',
    );
    expect(row.getByText('open')).toBeInTheDocument();
    expect(
      row.getByText(new Date('2026-11-22T09:00:00.000Z').toLocaleString()),
    ).toHaveAttribute('datetime', '2026-11-22T09:00:00.000Z');
    expect(screen.queryByText('#11')).not.toBeInTheDocument();
    expect(api.listCalls).toEqual(['open']);
  });

  it('filters by state, or shows all', async () => {
    const api = withEnrollments();
    await renderCard(api);
    await rowOfPullRequest(12);

    await showState('Merged');
    const merged = await rowOfPullRequest(11);
    expect(merged.getByText('Change')).toBeInTheDocument();
    expect(merged.getByText('merged')).toBeInTheDocument();
    expect(merged.getByRole('link', { name: /busybox-base/ })).toHaveAttribute(
      'href',
      '/catalog/default/image/busybox-base',
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('link', { name: /^#12,/ }),
      ).not.toBeInTheDocument(),
    );

    await showState('All');
    await rowOfPullRequest(10);
    expect(screen.getAllByRole('link', { name: /^#\d+,/ })).toHaveLength(3);
    expect(api.listCalls).toEqual(['open', 'merged', undefined]);
  });

  it('says when there is nothing in a state', async () => {
    await renderCard(new InMemoryImageFactoryApi(emptyStatus));

    expect(
      await screen.findByText('No open change requests'),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the list cannot be loaded', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.listResult = new Error('Image Factory backend is unavailable');
    await renderCard(api);

    expect(
      await screen.findByText(/Could not load the change requests/),
    ).toBeInTheDocument();
  });

  it('says when the factory re-applied an open request, and when it needs the requester', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.enrollments = [
      enrollmentFixture(
        {
          action: 'enroll',
          imageName: 'web-api-2',
          sync: {
            state: 'reapplied',
            message:
              'main moved to 1234567, so the Image Factory applied this change again on top of it (commit 89abcde). Nothing else changed: review and merge as before.',
            at: '2026-12-04T10:00:00.000Z',
            baseSha: '1234567'.padEnd(40, '0'),
          },
        },
        21,
      ),
      enrollmentFixture(
        {
          action: 'enroll',
          imageName: 'web-api',
          sync: {
            state: 'conflict',
            message:
              'images.yaml on main has an image named web-api now (added by another change). Close this pull request, then ask for a change of web-api from its page, or enroll this one under another name.',
            at: '2026-12-04T10:00:00.000Z',
            baseSha: '1234567'.padEnd(40, '0'),
          },
        },
        22,
      ),
    ];
    await renderCard(api);

    const reapplied = await rowOfPullRequest(21);
    expect(
      reapplied.getByText('re-applied on the new base'),
    ).toBeInTheDocument();
    expect(
      reapplied.getByText(/applied this change again on top of it/),
    ).toBeInTheDocument();
    const conflict = await rowOfPullRequest(22);
    expect(conflict.getByText('conflict: needs you')).toBeInTheDocument();
    expect(
      conflict.getByText(/Close this pull request, then ask for a change/),
    ).toBeInTheDocument();
  });
});
