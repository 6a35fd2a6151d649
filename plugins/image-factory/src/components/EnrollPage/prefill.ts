import type { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { EnrollFormValues, ImageType } from './enrollForm';

/** The text fields a link may fill in. */
const TEXT_FIELDS = [
  'name',
  'owner',
  'title',
  'description',
  'reference',
  'repo',
  'branch',
  'dockerfile',
  'context',
  'rebuildDelay',
  'rebuildCoalesceWindow',
  'stages',
  'reason',
] as const;

const TYPES: ImageType[] = ['managed', 'base', 'external'];

/**
 * The enroll form's starting values with what a link's query parameters say
 * (`?name=…&type=…&platforms=linux/amd64,linux/arm64&…`), e.g. "Re-enroll"
 * of an archived image. Unknown parameters and bad values are ignored: the
 * form validates what it gets like anything typed.
 */
export function prefilledValues(
  base: EnrollFormValues,
  params: URLSearchParams,
): EnrollFormValues {
  const values = { ...base };
  for (const field of TEXT_FIELDS) {
    const value = params.get(field);
    if (value !== null) values[field] = value;
  }
  const type = params.get('type');
  if (type && (TYPES as string[]).includes(type)) {
    values.type = type as ImageType;
  }
  const platforms = params.get('platforms');
  if (platforms) {
    values.platforms = platforms
      .split(',')
      .map(p => p.trim())
      .filter(Boolean);
  }
  const auto = params.get('rebuildAuto');
  if (auto === 'true' || auto === 'false') values.rebuildAuto = auto === 'true';
  return values;
}

/** The query parameters that fill the enroll form with an Image entity's entry. */
export function reenrollParams(
  entity: ImageEntityV1alpha1,
  reason: string,
): URLSearchParams {
  const { spec, metadata } = entity;
  const params = new URLSearchParams();
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') params.set(key, value);
  };
  set('name', metadata.name);
  set('owner', spec.owner);
  set('type', spec.type);
  set('title', metadata.title);
  set('description', metadata.description);
  set('reference', spec.reference);
  set('repo', spec.source?.repo);
  set('branch', spec.source?.branch);
  set('dockerfile', spec.source?.dockerfile);
  set('context', spec.source?.context);
  set('platforms', spec.platforms.join(','));
  if (spec.rebuild?.auto !== undefined) {
    set('rebuildAuto', String(spec.rebuild.auto));
  }
  set('rebuildDelay', spec.rebuild?.delay);
  set('rebuildCoalesceWindow', spec.rebuild?.coalesceWindow);
  set('stages', spec.stages?.join(', '));
  set('reason', reason);
  return params;
}
