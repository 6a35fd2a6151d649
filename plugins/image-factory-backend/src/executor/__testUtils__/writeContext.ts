import { promises as fs } from 'fs';
import path from 'path';

/**
 * Writes a build context: each key is a path relative to `dir`, each value
 * the file's text or bytes. Buffers (executables) get mode 0755.
 */
export async function writeContext(
  dir: string,
  files: Record<string, string | Buffer>,
): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content, {
      mode: Buffer.isBuffer(content) ? 0o755 : 0o644,
    });
  }
  return dir;
}
