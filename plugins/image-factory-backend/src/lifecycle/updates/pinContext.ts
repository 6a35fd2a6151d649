import { InputError } from '@backstage/errors';
import { ImageStageUpdate } from '@image-factory/plugin-image-factory-common';
import { imageName, PinnedImage, PinnedVersion } from './imageNames';

/** What a pin of one kind works on. */
export interface PinContext {
  text: string;
  update: ImageStageUpdate;
  image: PinnedImage;
  pinned: PinnedVersion;
  /** Prefix of field names in errors: `updates[2]`, or `updates[]`. */
  field: string;
  /** The file, for messages: `deploy/values.yaml in acme/web`. */
  where: string;
}

/** The error for a file that names the image nowhere it is looked for. */
export function notReferenced(ctx: PinContext, looked: string): InputError {
  return new InputError(
    `${ctx.field}.file: ${ctx.where} does not reference ${imageName(
      ctx.image,
    )}: ${looked}`,
  );
}
