import { z } from 'zod/v4';
import { imageEntrySchema } from './schema';

/**
 * One field of an `images.yaml` entry, as its schema describes it: what
 * forms, editors and scaffolder actions list, so that a field added to the
 * schema appears in all of them.
 *
 * @public
 */
export interface ImageEntryField {
  /** The key in the entry (or in its parent field), e.g. `watch` or `interval`. */
  name: string;
  /** The schema's description. */
  description: string;
  /** The JSON type; `object` with `fields`, or with `values` for a mapping of free keys. */
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  /** The allowed values of a string, or of each item of an array. */
  enum?: string[];
  /** The type of each item of an array. */
  items?: 'string' | 'number' | 'integer' | 'boolean';
  /** Whether the field must be written (no default, not optional). */
  required: boolean;
  /** The value used when the field is left out, if the schema has one. */
  default?: unknown;
  /** The fields of an object, in schema order. */
  fields?: ImageEntryField[];
  /** The type of each value of a mapping with free keys (`buildArgs`). */
  values?: 'string';
}

type JsonSchema = {
  type?: ImageEntryField['type'];
  description?: string;
  enum?: string[];
  default?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
};

function toFields(schema: JsonSchema): ImageEntryField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, field]) => {
    const items = field.items;
    const values =
      typeof field.additionalProperties === 'object'
        ? field.additionalProperties
        : undefined;
    return {
      name,
      description: field.description ?? '',
      type: field.type ?? 'string',
      required: required.has(name),
      ...(field.enum ? { enum: field.enum } : {}),
      ...(items?.enum ? { enum: items.enum } : {}),
      ...(items?.type && items.type !== 'array' && items.type !== 'object'
        ? { items: items.type }
        : {}),
      ...(field.default !== undefined ? { default: field.default } : {}),
      ...(field.properties ? { fields: toFields(field) } : {}),
      ...(values?.type === 'string' ? { values: 'string' as const } : {}),
    };
  });
}

let cached: ImageEntryField[] | undefined;

/**
 * The fields of an `images.yaml` entry, in schema order, read from the same
 * schema that validates the file (as users write it: a field with a default
 * is not required). Scaffolder actions and the portal's forms list these, so
 * that a field added to the schema is offered everywhere.
 *
 * @public
 */
export function imageEntryFields(): ImageEntryField[] {
  if (!cached) {
    const schema = z.toJSONSchema(imageEntrySchema, {
      target: 'draft-7',
      io: 'input',
      // Rules checked in code have no JSON Schema form; they do not change
      // which fields exist.
      unrepresentable: 'any',
    }) as JsonSchema;
    cached = toFields(schema);
  }
  return cached;
}
