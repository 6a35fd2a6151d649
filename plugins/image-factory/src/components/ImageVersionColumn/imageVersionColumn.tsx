import { Typography } from '@material-ui/core';
import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { ImageVersion } from '@image-factory/plugin-image-factory-common';
import useAsync from 'react-use/esm/useAsync';
import { ImageFactoryApi, imageFactoryApiRef } from '../../api';
import { isImageFactoryImage } from '../../predicates';
import { orderTags } from '../ImageVersionsContent/versionFormat';

/** The newest semantic version of each image, by entity ref, once per column. */
type VersionCache = Map<string, Promise<ImageVersion | undefined>>;

function newestVersion(
  cache: VersionCache,
  api: ImageFactoryApi,
  entity: Entity,
): Promise<ImageVersion | undefined> {
  const ref = stringifyEntityRef(entity);
  let found = cache.get(ref);
  if (!found) {
    found = api
      .listImageVersions(entity.metadata.name, {
        limit: 1,
        sort: 'semver',
        hideMachineTags: true,
      })
      .then(list => list.items[0]);
    // A failure stays cached too: one request per row for the page's life.
    cache.set(ref, found);
  }
  return found;
}

function ImageVersionCell(props: { entity: Entity; cache: VersionCache }) {
  const api = useApi(imageFactoryApiRef);
  const { entity, cache } = props;
  const { value, loading, error } = useAsync(
    () => newestVersion(cache, api, entity),
    [cache, api, entity],
  );
  if (loading) {
    return (
      <Typography variant="body2" color="textSecondary" aria-busy="true">
        …
      </Typography>
    );
  }
  if (error || !value) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        title={error ? `Versions not available: ${error.message}` : undefined}
      >
        —
      </Typography>
    );
  }
  return <code title={value.digest}>{orderTags(value.tags)[0] ?? '—'}</code>;
}

/**
 * A column for the catalog table (`CatalogIndexPage`'s `columns`) that shows,
 * for each Image row, the first tag of its newest semantic version in the
 * registry (machine tags hidden), fetched when the cell first renders; other
 * kinds get an empty cell. Each call makes a column with its own in-memory
 * cache, so create it once (at module level) for one request per image
 * during the page's life.
 *
 * @public
 */
export function imageVersionColumn<
  T extends { entity: Entity } = { entity: Entity },
>(options: { title?: string } = {}): TableColumn<T> {
  const cache: VersionCache = new Map();
  return {
    title: options.title ?? 'Version',
    sorting: false,
    render: ({ entity }) =>
      isImageFactoryImage(entity) ? (
        <ImageVersionCell entity={entity} cache={cache} />
      ) : null,
  };
}
