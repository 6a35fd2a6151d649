import { TableColumn } from '@backstage/core-components';
import {
  CatalogTable,
  CatalogTableColumnsFunc,
  CatalogTableRow,
} from '@backstage/plugin-catalog';
import {
  imageVersionColumn,
  isImageFactoryImage,
} from '@image-factory/plugin-image-factory';

const platformsColumn: TableColumn<CatalogTableRow> = {
  title: 'Platforms',
  field: 'entity.spec.platforms',
  render: ({ entity }) =>
    isImageFactoryImage(entity) ? entity.spec.platforms.join(', ') : null,
};

const sourceColumn: TableColumn<CatalogTableRow> = {
  title: 'Source',
  field: 'entity.spec.source.repo',
  render: ({ entity }) => {
    if (!isImageFactoryImage(entity)) return null;
    const source = entity.spec.source;
    return source
      ? `${source.repo}: ${source.dockerfile}`
      : entity.spec.reference;
  },
};

// Created once, so its cache of each image's newest version lasts as long
// as the page: one request per Image row, however often the table renders.
const versionColumn = imageVersionColumn<CatalogTableRow>();

/**
 * The catalog table shows, for kind Image, what people look for first: owner,
 * type, its newest version in the registry, platforms and where the image
 * comes from.
 */
export const catalogColumns: CatalogTableColumnsFunc = context => {
  if (context.filters.kind?.value?.toLocaleLowerCase('en-US') !== 'image') {
    return CatalogTable.defaultColumnsFunc(context);
  }
  return [
    CatalogTable.columns.createTitleColumn({ hidden: true }),
    CatalogTable.columns.createNameColumn({ defaultKind: 'image' }),
    CatalogTable.columns.createOwnerColumn(),
    CatalogTable.columns.createSpecTypeColumn(),
    versionColumn,
    platformsColumn,
    sourceColumn,
    CatalogTable.columns.createMetadataDescriptionColumn(),
  ];
};
