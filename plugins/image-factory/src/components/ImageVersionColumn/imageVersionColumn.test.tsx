import { screen, within } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Table } from '@backstage/core-components';
import type { Entity } from '@backstage/catalog-model';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { exampleImage, watchedBaseImage } from '../../__fixtures__/images';
import { emptyStatus } from '../../__fixtures__/status';
import { helloWebVersions, versionFixture } from '../../__fixtures__/versions';
import { imageVersionColumn } from './imageVersionColumn';

type Row = { entity: Entity };

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web-frontend' },
  spec: { type: 'website', owner: 'team-web', lifecycle: 'production' },
};

const nameColumn = {
  title: 'Name',
  field: 'entity.metadata.name',
  render: ({ entity }: Row) => entity.metadata.name,
};

function CatalogLikeTable(props: {
  rows: Row[];
  column: ReturnType<typeof imageVersionColumn<Row>>;
}) {
  return (
    <Table<Row>
      title="Images"
      columns={[nameColumn, props.column]}
      data={props.rows}
      options={{ paging: false, search: false }}
    />
  );
}

const cellOf = (name: string) =>
  within(screen.getByText(name, { selector: 'td' }).closest('tr')!);

describe('imageVersionColumn', () => {
  it("shows the first tag of each image's newest semantic version, one request per image, nothing for other kinds", async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    // 1.3.0 is the highest version; the newest by date has only a machine tag.
    api.versions.versions['hello-web'] = [
      versionFixture({
        digest: `sha256:${'f'.repeat(64)}`,
        tags: ['sha-9f9f9f9'],
        createdAt: '2026-12-04T10:00:00.000Z',
      }),
      ...helloWebVersions(),
    ];
    api.versions.versions[watchedBaseImage.metadata.name] = [];
    const column = imageVersionColumn<Row>();
    const rows = [
      { entity: exampleImage('hello-web') },
      { entity: watchedBaseImage },
      { entity: component },
    ];

    const { rerender } = await renderInTestApp(
      <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
        <CatalogLikeTable rows={rows} column={column} />
      </TestApiProvider>,
    );

    expect(await cellOf('hello-web').findByText('1.3.0')).toBeInTheDocument();
    expect(
      await cellOf(watchedBaseImage.metadata.name).findByText('—'),
    ).toBeInTheDocument();
    expect(cellOf('web-frontend').queryByText(/—|…/)).not.toBeInTheDocument();
    expect(api.versions.listCalls).toEqual([
      {
        name: 'hello-web',
        query: { limit: 1, sort: 'semver', hideMachineTags: true },
      },
      {
        name: watchedBaseImage.metadata.name,
        query: { limit: 1, sort: 'semver', hideMachineTags: true },
      },
    ]);

    // The table renders its rows again (new data, the page's filters): the
    // column answers from its cache.
    rerender(
      <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
        <CatalogLikeTable rows={[...rows].reverse()} column={column} />
      </TestApiProvider>,
    );
    expect(await cellOf('hello-web').findByText('1.3.0')).toBeInTheDocument();
    expect(api.versions.listCalls).toHaveLength(2);
  });

  it('leaves the cell empty when the versions cannot be read', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.versions.listResults = [new Error('registry down')];
    await renderInTestApp(
      <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
        <CatalogLikeTable
          rows={[{ entity: exampleImage('hello-web') }]}
          column={imageVersionColumn<Row>()}
        />
      </TestApiProvider>,
    );
    expect(await cellOf('hello-web').findByText('—')).toHaveAttribute(
      'title',
      'Versions not available: registry down',
    );
  });
});
