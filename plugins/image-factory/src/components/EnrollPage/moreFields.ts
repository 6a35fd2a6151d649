import {
  ImageEntryField,
  imageEntryFields,
} from '@image-factory/plugin-image-factory-common';

/** The paths of images.yaml the form has controls of its own for. */
const FORM_PATHS = new Set([
  'name',
  'type',
  'owner',
  'title',
  'description',
  'reference',
  'platforms',
  'source.provider',
  'source.repo',
  'source.branch',
  'source.dockerfile',
  'source.context',
  'rebuild.auto',
  'rebuild.delay',
  'rebuild.coalesceWindow',
  'stages',
]);

/** A field of images.yaml the form offers as text, from the schema. */
export interface MoreField {
  /** Its path in the entry, e.g. `watch.interval`. */
  path: string;
  /** The schema's description. */
  description: string;
  /** How the text becomes a value: as is, a number, a comma-separated list, or `KEY=value` pairs. */
  kind: 'text' | 'number' | 'boolean' | 'list' | 'map';
}

function kindOf(field: ImageEntryField): MoreField['kind'] {
  if (field.type === 'array') return 'list';
  if (field.type === 'object') return 'map';
  if (field.type === 'integer' || field.type === 'number') return 'number';
  if (field.type === 'boolean') return 'boolean';
  return 'text';
}

function leaves(fields: ImageEntryField[], prefix = ''): MoreField[] {
  return fields.flatMap(field => {
    const path = `${prefix}${field.name}`;
    if (field.type === 'object' && field.fields) {
      return leaves(field.fields, `${path}.`);
    }
    return [{ path, description: field.description, kind: kindOf(field) }];
  });
}

/**
 * Every field of an images.yaml entry that the form has no control of its own
 * for, read from the schema (`watch.interval`, `retention.keep`, …): a field
 * added to the schema shows up in the form.
 */
export function moreFields(): MoreField[] {
  return leaves(imageEntryFields()).filter(f => !FORM_PATHS.has(f.path));
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map(item => item.trim())
    .filter(Boolean);
}

function valueOf(field: MoreField, text: string): unknown {
  switch (field.kind) {
    case 'number':
      // Anything else goes as typed, so that validation names the field.
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true';
      return text;
    case 'list':
      return splitList(text);
    case 'map':
      return Object.fromEntries(
        splitList(text).map(pair => {
          const at = pair.indexOf('=');
          return at < 0
            ? [pair, '']
            : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
      );
    default:
      return text;
  }
}

/**
 * The entry with the texts of the more fields (keyed by path) set at their
 * paths; empty texts add nothing.
 */
export function withMoreFields<T extends object>(
  image: T,
  texts: Record<string, string>,
): T {
  const entry = image as Record<string, unknown>;
  for (const field of moreFields()) {
    const text = texts[field.path]?.trim();
    if (!text) continue;
    const parts = field.path.split('.');
    let parent = entry;
    for (const part of parts.slice(0, -1)) {
      const child = parent[part];
      parent[part] =
        child && typeof child === 'object' ? { ...child } : ({} as object);
      parent = parent[part] as Record<string, unknown>;
    }
    parent[parts[parts.length - 1]] = valueOf(field, text);
  }
  return image;
}
