import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const DEBS = path.resolve(__dirname, '../../../../../.tools/debs');
const extracted = new Map<string, Promise<Buffer>>();

/**
 * Debian's static BusyBox for `arch` (amd64, arm64, s390x): a shell and the
 * usual tools for test images built FROM scratch. The .deb files are the ones
 * ./scripts/test and ./scripts/start download into .tools/debs.
 */
export function busybox(arch: string): Promise<Buffer> {
  let binary = extracted.get(arch);
  if (!binary) {
    binary = (async () => {
      const deb = (await fs.readdir(DEBS).catch(() => [] as string[])).find(
        f => f.startsWith('busybox-static_') && f.endsWith(`_${arch}.deb`),
      );
      if (!deb) {
        throw new Error(
          `No busybox-static .deb for ${arch} in ${DEBS}: run ./scripts/test, which downloads it`,
        );
      }
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), `busybox-${arch}-`));
      await run('dpkg', ['-x', path.join(DEBS, deb), dir]);
      const bytes = await fs.readFile(path.join(dir, 'bin/busybox'));
      await fs.rm(dir, { recursive: true, force: true });
      return bytes;
    })();
    extracted.set(arch, binary);
  }
  return binary;
}
