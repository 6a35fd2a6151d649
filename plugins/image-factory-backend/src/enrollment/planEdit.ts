import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { parseImagesFile } from '@image-factory/plugin-image-factory-common';
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
  // The edited file must read back as valid for this image.
  const after = parseImagesFile(edit.text);
  const broken = after.issues.filter(i =>
    edit.entry ? i.entry === edit.entry.name : false,
  );
  const parsed = edit.entry
    ? after.images.find(i => i.name === edit.entry!.name)
    : undefined;
  if (after.fatal || broken.length > 0) {
    throw new InputError(
      `The change would make images.yaml invalid: ${(after.fatal
        ? after.issues
        : broken
      )
        .map(i => `${i.path}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return { ...edit, parsed };
}
