import type { EnrollmentSubject } from '@image-factory/plugin-image-factory-common';

/**
 * A list of named entries in a file of the config repository that change
 * requests edit: `images` of images.yaml, `wheelSets` of wheels.yaml.
 */
export interface ConfigList {
  subject: EnrollmentSubject;
  /** The top-level key holding the list. */
  key: 'images' | 'wheelSets';
  /** What one entry is, in messages. */
  noun: string;
  /** The file's usual name, in messages. */
  file: string;
  /** What a file that does not exist yet reads as; absent: it must exist. */
  emptyFile?: string;
}

export const IMAGE_LIST: ConfigList = {
  subject: 'image',
  key: 'images',
  noun: 'image',
  file: 'images.yaml',
};

export const WHEEL_SET_LIST: ConfigList = {
  subject: 'wheel-set',
  key: 'wheelSets',
  noun: 'wheel set',
  file: 'wheels.yaml',
  emptyFile: `# The wheel refinery's sets, enrolled by pull request from Backstage.
apiVersion: imagefactory.dev/v1alpha1
wheelSets:
`,
};

/** The list a change request of that subject edits. */
export function configListOf(subject: EnrollmentSubject | undefined) {
  return subject === 'wheel-set' ? WHEEL_SET_LIST : IMAGE_LIST;
}
