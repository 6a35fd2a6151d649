import Dockerode from 'dockerode';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import tar from 'tar-fs';

/** A file in an image: its text and permission bits. */
export interface ImageFile {
  text: string;
  mode: number;
}

/**
 * Reads files out of an image without running it (so any platform's image
 * can be read): a container is created, each path copied out, the container
 * removed.
 */
export async function readImageFiles(
  docker: Dockerode,
  image: string,
  paths: string[],
): Promise<Record<string, ImageFile>> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['/nothing'],
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-files-'));
  try {
    const files: Record<string, ImageFile> = {};
    for (const [index, file] of paths.entries()) {
      const target = path.join(dir, String(index));
      const stream = await container.getArchive({ path: file });
      await new Promise<void>((resolve, reject) => {
        const extract = tar.extract(target);
        extract.on('finish', resolve).on('error', reject);
        stream.on('error', reject);
        stream.pipe(extract);
      });
      const local = path.join(target, path.basename(file));
      const stat = await fs.stat(local);
      files[file] = {
        text: await fs.readFile(local, 'utf8'),
        mode: stat.mode & 0o777,
      };
    }
    return files;
  } finally {
    await container.remove({ force: true });
    await fs.rm(dir, { recursive: true, force: true });
  }
}
