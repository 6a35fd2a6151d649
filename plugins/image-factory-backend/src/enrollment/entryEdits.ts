import { InputError, NotFoundError } from '@backstage/errors';
import {
  imageEntrySchema,
  parseFields,
  wheelSetSchema,
} from '@image-factory/plugin-image-factory-common';
import { ConfigList, IMAGE_LIST, WHEEL_SET_LIST } from './configLists';
import {
  addImageEntry,
  changeImageEntry,
  findImageEntry,
  removeImageEntry,
} from './imagesYamlEdits';
import { PlannedEdit } from './planEdit';
import { sameEntry } from './sameEntry';

/** How one kind of request edits images.yaml, given the file as it is. */
export type EditPlan = (text: string) => PlannedEdit;

/** What entries a request edits: the list, its rules, its field in bodies. */
export interface EntryKind {
  list: ConfigList;
  schema: typeof imageEntrySchema | typeof wheelSetSchema;
  /** The request body's field holding a new entry: `image`, `set`. */
  field: string;
}

export const IMAGE_ENTRIES: EntryKind = {
  list: IMAGE_LIST,
  schema: imageEntrySchema,
  field: 'image',
};

export const WHEEL_SET_ENTRIES: EntryKind = {
  list: WHEEL_SET_LIST,
  schema: wheelSetSchema,
  field: 'set',
};

/** The entry named `name`; `NotFoundError` naming `path` without one. */
function existingEntry(
  text: string,
  name: string,
  path: string,
  list: ConfigList,
) {
  const previous = findImageEntry(text, name, list);
  if (!previous) {
    throw new NotFoundError(`No ${list.noun} named ${name} in ${path}`);
  }
  return previous;
}

/**
 * The edit that adds `image`, checked first with the rules of images.yaml
 * (an `InputError` naming each field); the entry is written as given, so
 * defaults stay implicit.
 */
export function enrollEdit(
  image: unknown,
  kind: EntryKind = IMAGE_ENTRIES,
): {
  name: string;
  owner: string;
  plan: EditPlan;
} {
  const parsed = parseFields(kind.schema, image, kind.field);
  if (!parsed.success) {
    throw new InputError(
      `Invalid request body: ${parsed.issues
        .map(i => `${i.path}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const entry = image as Record<string, unknown>;
  return {
    name: parsed.data.name,
    owner: parsed.data.owner,
    plan: text => ({
      text: addImageEntry(text, entry, kind.list),
      entry,
      owners: [parsed.data.owner],
    }),
  };
}

/** The edit that removes the entry `name` of the file at `path`. */
export function unenrollEdit(
  name: string,
  path: string,
  kind: EntryKind = IMAGE_ENTRIES,
): EditPlan {
  return text => {
    const previous = existingEntry(text, name, path, kind.list);
    return {
      text: removeImageEntry(text, name, kind.list),
      previous,
      owners: [String(previous.owner)],
    };
  };
}

/**
 * The edit that sets `changes` on the entry `name` (`null` removes a field);
 * an `InputError` when the entry would be invalid or would not change.
 */
export function changeEdit(
  name: string,
  changes: Record<string, unknown>,
  path: string,
  kind: EntryKind = IMAGE_ENTRIES,
): EditPlan {
  const touches = (...keys: string[]) =>
    keys.some(k => changes[k] !== undefined);
  return text => {
    const previous = existingEntry(text, name, path, kind.list);
    const entry: Record<string, unknown> = { ...previous };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete entry[key];
      else if (value !== undefined) entry[key] = value;
    }
    const parsed = parseFields(kind.schema, entry, kind.field);
    if (!parsed.success) {
      throw new InputError(
        `The ${
          kind.list.noun
        } would be invalid after this change: ${parsed.issues
          .map(i => `${i.path}: ${i.message}`)
          .join('; ')}`,
      );
    }
    if (sameEntry(previous, entry)) {
      throw new InputError(
        `changes: the ${kind.list.noun} ${name} already has these values; nothing to change`,
      );
    }
    return {
      text: changeImageEntry(text, name, changes, kind.list),
      entry,
      previous,
      changes,
      owners: [String(previous.owner), String(entry.owner)],
      scope: {
        source: touches('type', 'source', 'buildArgs', 'platforms'),
        platforms: touches('type', 'source', 'platforms'),
      },
    };
  };
}
