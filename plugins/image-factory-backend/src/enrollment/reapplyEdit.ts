import { Enrollment } from '@image-factory/plugin-image-factory-common';
import { EnrollmentBranchState } from '../database';
import { configListOf } from './configLists';
import { sameEntry } from './sameEntry';
import {
  addImageEntry,
  changeImageEntry,
  findImageEntry,
  ImagesYamlEditError,
  removeImageEntry,
} from './imagesYamlEdits';

/** A change request applied again to images.yaml as the base branch has it now. */
export type Reapplied =
  | { ok: true; text: string }
  | { ok: false; conflict: string };

/**
 * Applies a change request again to `text` (images.yaml at the base branch's
 * new head) with the same comment-keeping edit that made the pull request.
 * Only a real conflict fails, with what to do: the entry to add exists now,
 * the entry to change or remove is gone, or someone else changed that entry
 * meanwhile. Other entries changing around it are no conflict.
 */
export function reapplyEdit(
  enrollment: Enrollment,
  branch: EnrollmentBranchState,
  text: string,
  where: string,
): Reapplied {
  const name = enrollment.imageName;
  const list = configListOf(enrollment.subject);
  const current = findImageEntry(text, name, list);
  const gone = `${name} is no longer in ${where}: another change removed it. Close this pull request`;
  try {
    switch (enrollment.action) {
      case 'enroll':
        if (current) {
          return {
            ok: false,
            conflict: sameEntry(current, enrollment.entry)
              ? `${where} has this very entry for ${name} now (added by another change), so there is nothing left to merge: close this pull request`
              : `${where} has ${
                  list.subject === 'image' ? 'an image' : 'a wheel set'
                } named ${name} now (added by another change). Close this pull request, then ask for a change of ${name} from its page, or enroll this one under another name`,
          };
        }
        return {
          ok: true,
          text: addImageEntry(text, enrollment.entry ?? {}, list),
        };
      case 'unenroll':
        if (!current) return { ok: false, conflict: gone };
        return { ok: true, text: removeImageEntry(text, name, list) };
      default: {
        if (!current) {
          return {
            ok: false,
            conflict: `${gone}, and enroll the ${list.noun} again if it is still wanted`,
          };
        }
        const previous = branch.edit?.previous;
        if (previous && !sameEntry(previous, current)) {
          return {
            ok: false,
            conflict: `${name} was changed in ${where} by another change since this request. Close this pull request and ask for the change again from the ${list.noun}'s page: it starts from the entry as it is now`,
          };
        }
        return {
          ok: true,
          text: changeImageEntry(text, name, branch.edit?.changes ?? {}, list),
        };
      }
    }
  } catch (error) {
    if (!(error instanceof ImagesYamlEditError)) throw error;
    return {
      ok: false,
      conflict: `The change cannot be applied to ${where} as it is now (${error.message}). Close this pull request and ask again`,
    };
  }
}
