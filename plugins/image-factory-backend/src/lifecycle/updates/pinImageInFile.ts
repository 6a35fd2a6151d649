import { InputError } from '@backstage/errors';
import { ImageStageUpdate } from '@image-factory/plugin-image-factory-common';
import { PinnedImage, PinnedVersion } from './imageNames';
import { PinContext } from './pinContext';
import { pinDockerfile } from './pinDockerfile';
import { pinHelm } from './pinHelm';
import { pinKustomize } from './pinKustomize';
import { pinManifest } from './pinManifest';

export type { PinnedImage, PinnedVersion } from './imageNames';

const PINS: Record<ImageStageUpdate['kind'], (ctx: PinContext) => string> = {
  kustomize: pinKustomize,
  helm: pinHelm,
  manifest: pinManifest,
  dockerfile: pinDockerfile,
};

/**
 * Pins the image to `tag@digest` in the text of one file of a repository
 * that uses it, changing only the values that name the image: every other
 * byte, comments and blank lines included, stays. Throws an `InputError`
 * naming `updates[].file` (or `updates[].path`) when the file does not
 * reference the image where `update` says it does.
 */
export function pinImageInFile(options: {
  text: string;
  update: ImageStageUpdate;
  image: PinnedImage;
  pinned: PinnedVersion;
  /** Index of the update in the stage's `updates`, for error messages. */
  index?: number;
}): { text: string; changed: boolean } {
  const { text, update, image, pinned, index } = options;
  const ctx: PinContext = {
    text,
    update,
    image,
    pinned,
    field: `updates[${index ?? ''}]`,
    where: `${update.file} in ${update.repository}`,
  };
  const pin = PINS[update.kind];
  if (!pin) {
    throw new InputError(
      `${ctx.field}.kind: must be kustomize, helm, manifest or dockerfile, not '${update.kind}'`,
    );
  }
  const next = pin(ctx);
  return { text: next, changed: next !== text };
}
