import { promises as fs } from 'fs';
import path from 'path';

const SDISTS = path.resolve(__dirname, '../../../../../.tools/sdists');

/** The builder image ./scripts/test makes with debootstrap (scripts/lib/wheel-builders.sh). */
export const AMD64_BUILDER = 'image-factory/wheel-builder:bookworm-amd64';

/** The linux/s390x builder, made with debootstrap --foreign and QEMU. */
export const S390X_BUILDER = 'image-factory/wheel-builder:bookworm-s390x';

/**
 * A real upstream sdist that ./scripts/test downloads from Debian's pool into
 * .tools/sdists: `MarkupSafe-2.1.2.tar.gz` or `cffi-1.15.1.tar.gz`.
 */
export async function readTestSdist(filename: string) {
  try {
    return { filename, bytes: await fs.readFile(path.join(SDISTS, filename)) };
  } catch {
    throw new Error(
      `${filename} is not in .tools/sdists: run ./scripts/test, which downloads it (ensure_test_sdists)`,
    );
  }
}
