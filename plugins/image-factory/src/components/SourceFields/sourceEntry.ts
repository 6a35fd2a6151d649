import type { SourceValues } from './SourceFields';

/** The defaults of a `source` in `images.yaml`. */
export const SOURCE_DEFAULTS: SourceValues = {
  repo: '',
  branch: 'main',
  dockerfile: 'Dockerfile',
  context: '.',
};

/**
 * The `source` of an entry for the typed values. The backend writes the entry
 * as sent, so fields equal to their default are left out and the new lines
 * in images.yaml hold only what the user chose; an empty repository is left
 * out too, so that validation says "is required".
 */
export function toSourceEntry(values: SourceValues): {
  repo?: string;
  branch?: string;
  dockerfile?: string;
  context?: string;
} {
  const entry: Record<string, string> = {};
  for (const key of ['repo', 'branch', 'dockerfile', 'context'] as const) {
    const value = values[key].trim();
    if (value && value !== SOURCE_DEFAULTS[key]) entry[key] = value;
  }
  return entry;
}
