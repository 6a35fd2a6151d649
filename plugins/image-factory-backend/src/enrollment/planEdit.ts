import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  parseImagesFile,
  parseWheelsFile,
} from '@image-factory/plugin-image-factory-common';
import { ConfigList, IMAGE_LIST } from './configLists';
import { GitHubRequestError } from './githubErrors';
import { ImagesYamlEditError } from './imagesYamlEdits';

/** A planned edit of images.yaml, computed from the file as it is. */
export interface PlannedEdit {
  text: string;
  entry?: Record<string, unknown>;
  previous?: Record<string, unknown>;
  /** Owners the requester must belong to. */
  owners: string[];
  /** The fields a change sets, kept to apply it again on a moved base. */
  changes?: Record<string, unknown>;
  /** What of the entry to check; absent: everything. */
  scope?: { source: boolean; platforms: boolean };
}

/**
 * Applies the edit to images.yaml as it is, turning edit refusals into
 * answers that name the field, and checks that the file reads back valid for
 * this image.
 */
export function planEdit(
  plan: (text: string) => PlannedEdit,
  text: string,
  where: string,
  list: ConfigList = IMAGE_LIST,
) {
  let edit: PlannedEdit;
  try {
    edit = plan(text);
  } catch (error) {
    if (!(error instanceof ImagesYamlEditError)) throw error;
    switch (error.reason) {
      case 'already-exists':
        throw new ConflictError(`${error.message} in ${where}`);
      case 'not-found':
        throw new NotFoundError(`${error.message} in ${where}`);
      case 'invalid-change':
        throw new InputError(error.message);
      default:
        throw new GitHubRequestError(
          `${where} cannot be edited: ${error.message}`,
          503,
        );
    }
  }
  // The edited file must read back as valid for this entry.
  const after = readBack(edit.text, list);
  const broken = after.issues.filter(i =>
    edit.entry ? i.entry === edit.entry.name : false,
  );
  const parsed = edit.entry
    ? after.images.find(i => i.name === edit.entry!.name)
    : undefined;
  const parsedSet = edit.entry
    ? after.sets.find(s => s.name === edit.entry!.name)
    : undefined;
  if (after.fatal || broken.length > 0) {
    throw new InputError(
      `The change would make ${list.file} invalid: ${(after.fatal
        ? after.issues
        : broken
      )
        .map(i => `${i.path}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return { ...edit, parsed, parsedSet };
}

/** The edited file parsed with its own rules. */
function readBack(text: string, list: ConfigList) {
  if (list.subject === 'wheel-set') {
    const { sets, issues, fatal } = parseWheelsFile(text);
    return { sets, issues, fatal, images: [] };
  }
  const { images, issues, fatal } = parseImagesFile(text);
  return { images, issues, fatal, sets: [] };
}
