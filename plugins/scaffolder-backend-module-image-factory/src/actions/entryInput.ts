import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ImageEntryField,
  imageEntryFields,
} from '@image-factory/plugin-image-factory-common';

/** The zod the scaffolder hands to an action's input and output schemas. */
export type ActionZod = Parameters<
  Extract<
    NonNullable<
      NonNullable<Parameters<typeof createTemplateAction>[0]['schema']>['input']
    >,
    Record<string, unknown>
  >[string]
>[0];
type ActionZodType = InstanceType<ActionZod['ZodType']>;

/** The names of the fields of an images.yaml entry, in file order. */
export const ENTRY_FIELDS = imageEntryFields().map(f => f.name);

function leaf(z: ActionZod, type: string, values?: string[]): ActionZodType {
  if (values && values.length > 0) {
    return z.enum(values as [string, ...string[]]);
  }
  switch (type) {
    case 'boolean':
      return z.boolean();
    case 'number':
    case 'integer':
      return z.number();
    default:
      return z.string();
  }
}

/**
 * The action's input for one field. Values are only typed here: the handler
 * checks them with the rules and messages of images.yaml itself, so that a
 * form's leftovers (an empty string) can be dropped first.
 */
function fieldInput(z: ActionZod, field: ImageEntryField): ActionZodType {
  let schema: ActionZodType;
  if (field.type === 'array') {
    schema = z.array(leaf(z, field.items ?? 'string', field.enum));
  } else if (field.type === 'object' && field.fields) {
    schema = z.object(
      Object.fromEntries(
        field.fields.map(f => [
          f.name,
          // Parts of a field the user may leave to the handler's message.
          fieldInput(z, { ...f, required: false }),
        ]),
      ),
    );
  } else if (field.type === 'object') {
    schema = z.record(z.string(), z.string());
  } else {
    schema = leaf(z, field.type, field.enum);
  }
  const described = schema.describe(field.description);
  return field.required ? described : described.optional();
}

/**
 * The action's input fields for every field of an images.yaml entry, read
 * from its schema: a field added to the schema is an input of the action.
 */
export function entryInput(): Record<string, (z: ActionZod) => ActionZodType> {
  return Object.fromEntries(
    imageEntryFields().map(field => [
      field.name,
      (z: ActionZod) => fieldInput(z, field),
    ]),
  );
}
