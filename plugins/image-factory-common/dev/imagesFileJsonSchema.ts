import { resolve } from 'path';
import { z } from 'zod/v4';
import { imagesFileSchema } from '../src/imagesFile/schema';

/** Where the published schema lives; `examples/images.yaml` points editors at it. */
export const IMAGES_FILE_SCHEMA_PATH = resolve(
  __dirname,
  '../schema/images-file.schema.json',
);

/** The command that rewrites the published schema. */
export const GENERATE_COMMAND =
  'yarn --cwd plugins/image-factory-common generate:schema';

/**
 * The JSON Schema (draft-07) of `images.yaml`, for editors. It is generated from
 * `imagesFileSchema`, so it carries the same fields, defaults, patterns and
 * descriptions; rules that zod checks in code (valid image references, paths
 * inside the repository, managed images need a source) are only checked by
 * `parseImagesFile`.
 */
export function buildImagesFileJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(imagesFileSchema, {
    target: 'draft-7',
    // What users write: fields with defaults are optional.
    io: 'input',
    // Rules checked in code (image references, paths, cross-field rules) have
    // no JSON Schema form; parseImagesFile checks them.
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  allowStageNames(schema);
  return {
    $schema,
    title: 'Image Factory images.yaml',
    description:
      'The images the Image Factory knows: what it builds (managed), what others build FROM (base) and what it watches (external).',
    ...schema,
  };
}

/**
 * zod reads a stage given by name alone as a mapping (so that errors in a
 * mapping name their field); editors must accept the name alone too.
 */
function allowStageNames(schema: Record<string, any>) {
  const stages = schema.properties?.images?.items?.properties?.stages;
  if (!stages?.items) return;
  const mapping = stages.items;
  stages.items = {
    anyOf: [
      {
        description: 'A stage name with the default policy.',
        type: 'string',
        pattern: mapping.properties.name.pattern,
      },
      mapping,
    ],
  };
}

/**
 * JSON laid out the way prettier lays it out (the repository runs `prettier --check`):
 * objects one key per line, arrays of plain values on one line when they fit in 80
 * columns.
 */
export function formatJson(value: unknown): string {
  return `${layout(value, '', 0)}\n`;
}

function layout(value: unknown, indent: string, used: number): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const plain = value.every(v => v === null || typeof v !== 'object');
    const flat = `[${value.map(v => JSON.stringify(v)).join(', ')}]`;
    if (plain && used + flat.length <= 80) return flat;
    const items = value.map(v => inner + layout(v, inner, inner.length + 1));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, v]) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      // The trailing comma (or closing bracket on the next line) counts towards the width.
      return head + layout(v, inner, head.length + 1);
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
