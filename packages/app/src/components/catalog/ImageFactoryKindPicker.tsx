import { useEffect, useMemo, useState } from 'react';
import { Box } from '@material-ui/core';
import { Select } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityKindFilter,
  catalogApiRef,
  useEntityList,
} from '@backstage/plugin-catalog-react';

/**
 * The kinds this portal is about. The catalog's own kind picker lists only
 * kinds that have entities right now, so ImageBuild (before the first build)
 * and Wheel would be missing from it.
 */
export const PRODUCT_KINDS = ['Image', 'ImageBuild', 'Wheel', 'Provider'];

function useCatalogKinds(): string[] {
  const catalogApi = useApi(catalogApiRef);
  const [kinds, setKinds] = useState<string[]>([]);
  useEffect(() => {
    let cancelled = false;
    catalogApi
      .getEntityFacets({ facets: ['kind'] })
      .then(({ facets }) => {
        if (!cancelled) setKinds((facets.kind ?? []).map(f => f.value));
      })
      // The product kinds are still offered when the catalog cannot answer.
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [catalogApi]);
  return kinds;
}

/**
 * The catalog's kind filter with the Image Factory kinds always offered, the
 * product kinds first, then every other kind the catalog holds. Reads and
 * keeps the `filters[kind]` query parameter like the built-in picker.
 */
export function ImageFactoryKindPicker(props: { initialKind: string }) {
  const { filters, queryParameters, updateFilters } = useEntityList();
  const queryKind = [queryParameters.kind].flat()[0] as string | undefined;
  const [selected, setSelected] = useState(
    queryKind ?? filters.kind?.value ?? props.initialKind,
  );
  useEffect(() => {
    if (queryKind) setSelected(queryKind);
  }, [queryKind]);

  const catalogKinds = useCatalogKinds();
  const kinds = useMemo(() => {
    const byKey = new Map<string, string>();
    for (const kind of [...PRODUCT_KINDS, ...catalogKinds]) {
      if (!byKey.has(kind.toLocaleLowerCase('en-US'))) {
        byKey.set(kind.toLocaleLowerCase('en-US'), kind);
      }
    }
    return byKey;
  }, [catalogKinds]);

  const key = selected.toLocaleLowerCase('en-US');
  const label = kinds.get(key) ?? selected;
  useEffect(() => {
    updateFilters({ kind: new EntityKindFilter(key, label) });
  }, [key, label, updateFilters]);

  return (
    <Box pb={1} pt={1}>
      <Select
        label="Kind"
        items={[...kinds].map(([value, text]) => ({ value, label: text }))}
        selected={key}
        onChange={value => setSelected(String(value))}
      />
    </Box>
  );
}
