import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { WheelBlobStore } from './WheelBlobStore';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Wheel bytes in a directory, `sha256/ab/abcdef…`: written to a temporary
 * name and renamed, so that a reader never sees half a file and a crash
 * leaves no blob under its digest; read back only when the digest matches.
 * File names are not kept: the index's rows hold them.
 */
export class DirectoryWheelBlobStore implements WheelBlobStore {
  constructor(private readonly root: string) {}

  private pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    const target = this.pathOf(sha256);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) {
      throw new Error(`bytes have sha256 ${actual}, not ${sha256}`);
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, target);
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.pathOf(sha256));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) {
      throw new Error(
        `stored blob ${sha256} is corrupt (its sha256 is ${actual})`,
      );
    }
    return bytes;
  }
}
