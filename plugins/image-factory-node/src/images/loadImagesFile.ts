import { UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError, isError, NotFoundError } from '@backstage/errors';
import { promises as fs } from 'fs';
import { resolve } from 'path';

/**
 * The text of `images.yaml` and the absolute location it came from.
 *
 * @public
 */
export interface LoadedImagesFile {
  /** The content of the file, decoded as UTF-8. */
  text: string;
  /** An absolute file path or the URL. */
  location: string;
  /** Set by the UrlReader for URLs, so an unchanged file can be skipped. */
  etag?: string;
}

const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Reads of a file that changed while it was read, before giving up this time. */
const READ_ATTEMPTS = 5;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * True when `imageFactory.images.location` is an `http://` or `https://` URL,
 * read through the UrlReader; false for a file path.
 *
 * @public
 */
export function isUrlLocation(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/**
 * The absolute form of `imageFactory.images.location`: a URL as is, a path
 * resolved against the working directory of the backend.
 *
 * @public
 */
export function resolveImagesLocation(location: string): string {
  return isUrlLocation(location) ? location : resolve(location);
}

/**
 * Reads `images.yaml` from a local path (development) or from any URL the
 * Backstage UrlReader can read (production: GitHub, GitLab, Bitbucket, …).
 * A relative path is resolved against the working directory of the backend.
 * Throws `NotFoundError` for a missing file and `InputError` for a directory or
 * an oversized file, each naming `imageFactory.images.location`.
 *
 * @public
 */
export async function loadImagesFile(
  location: string,
  urlReader: UrlReaderService,
  /** The config key errors name; default `imageFactory.images.location`. */
  configKey: string = 'imageFactory.images.location',
): Promise<LoadedImagesFile> {
  if (isUrlLocation(location)) {
    const response = await urlReader.readUrl(location);
    const buffer = await response.buffer();
    return { text: buffer.toString('utf8'), location, etag: response.etag };
  }
  const path = resolveImagesLocation(location);
  const statFile = async () => {
    const stat = await fs.stat(path).catch(error => {
      if (isError(error) && error.code === 'ENOENT') {
        throw new NotFoundError(`${configKey}: '${path}' does not exist`);
      }
      throw error;
    });
    if (!stat.isFile()) {
      throw new InputError(`${configKey}: '${path}' is not a file`);
    }
    if (stat.size > MAX_FILE_BYTES) {
      throw new InputError(
        `${configKey}: '${path}' is larger than ${MAX_FILE_BYTES} bytes`,
      );
    }
    return stat;
  };
  // A file written in place (not renamed into place) may be read half
  // written, and a cut entry would drop every image after it: a read counts
  // only when the file's size and time were the same before and after it.
  for (let attempt = 1; ; attempt++) {
    const before = await statFile();
    const buffer = await fs.readFile(path);
    const after = await statFile();
    if (
      buffer.length === after.size &&
      before.size === after.size &&
      before.mtimeMs === after.mtimeMs
    ) {
      return { text: buffer.toString('utf8'), location: path };
    }
    if (attempt >= READ_ATTEMPTS) {
      throw new InputError(
        `${configKey}: '${path}' changed while it was read, ${READ_ATTEMPTS} times (is it being written?); it is read again at the next pass`,
      );
    }
    await sleep(100 * attempt);
  }
}
