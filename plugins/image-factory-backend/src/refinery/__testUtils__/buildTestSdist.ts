import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { create } from 'tar';

/**
 * A source distribution made by the test: `name-version/` with the given
 * files and a PKG-INFO, as `name-version.tar.gz` (what `python -m build
 * --sdist` would make).
 */
export async function buildTestSdist(options: {
  name: string;
  version: string;
  files: Record<string, string>;
}): Promise<{ filename: string; bytes: Buffer }> {
  const top = `${options.name.replace(/-/g, '_')}-${options.version}`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'test-sdist-'));
  try {
    await fs.mkdir(path.join(dir, top));
    const files = {
      'PKG-INFO': `Metadata-Version: 2.1\nName: ${options.name}\nVersion: ${options.version}\n`,
      ...options.files,
    };
    for (const [name, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, top, name)), {
        recursive: true,
      });
      await fs.writeFile(path.join(dir, top, name), text);
    }
    const chunks: Buffer[] = [];
    const stream = create({ gzip: true, cwd: dir, portable: true }, [top]);
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { filename: `${top}.tar.gz`, bytes: Buffer.concat(chunks) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
