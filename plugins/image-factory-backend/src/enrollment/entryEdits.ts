import { InputError, NotFoundError } from '@backstage/errors';
import {
  imageEntrySchema,
  parseFields,
} from '@image-factory/plugin-image-factory-common';
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

/** The entry named `name`; `NotFoundError` naming `path` without one. */
function existingEntry(text: string, name: string, path: string) {
  const previous = findImageEntry(text, name);
  if (!previous) {
    throw new NotFoundError(`No image named ${name} in ${path}`);
  }
  return previous;
}

/**
 * The edit that adds `image`, checked first with the rules of images.yaml
 * (an `InputError` naming each field); the entry is written as given, so
 * defaults stay implicit.
 */
export function enrollEdit(image: unknown): {
  name: string;
  owner: string;
  plan: EditPlan;
} {
  const parsed = parseFields(imageEntrySchema, image, 'image');
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
      text: addImageEntry(text, entry as never),
      entry,
      owners: [parsed.data.owner],
    }),
  };
}

/** The edit that removes the entry `name` of the file at `path`. */
export function unenrollEdit(name: string, path: string): EditPlan {
  return text => {
    const previous = existingEntry(text, name, path);
    return {
      text: removeImageEntry(text, name),
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
): EditPlan {
  const touches = (...keys: string[]) =>
    keys.some(k => changes[k] !== undefined);
  return text => {
    const previous = existingEntry(text, name, path);
    const entry: Record<string, unknown> = { ...previous };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete entry[key];
      else if (value !== undefined) entry[key] = value;
    }
    const parsed = parseFields(imageEntrySchema, entry, 'image');
    if (!parsed.success) {
      throw new InputError(
        `The image would be invalid after this change: ${parsed.issues
          .map(i => `${i.path}: ${i.message}`)
          .join('; ')}`,
      );
    }
    if (sameEntry(previous, entry)) {
      throw new InputError(
        `changes: the image ${name} already has these values; nothing to change`,
      );
    }
    return {
      text: changeImageEntry(text, name, changes),
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
