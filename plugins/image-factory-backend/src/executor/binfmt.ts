import { promises as fs } from 'fs';
import path from 'path';

/** Where the kernel lists registered binfmt_misc handlers. */
export const BINFMT_MISC_DIR = '/proc/sys/fs/binfmt_misc';

// OCI architecture → QEMU's name for it, as in /usr/lib/binfmt.d/qemu-*.conf.
const QEMU_NAMES: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  arm: 'arm',
  s390x: 's390x',
  ppc64le: 'ppc64le',
  riscv64: 'riscv64',
  '386': 'i386',
};

/** The architectures {@link readEmulators} looks for. */
export const EMULATED_ARCHITECTURES = Object.keys(QEMU_NAMES);

/**
 * Which foreign architectures the kernel can run through QEMU, per OCI
 * architecture name. Only a handler that is enabled and has the `F` (fix
 * binary) flag counts: without it the interpreter is looked up inside the
 * build container's root file system, where it does not exist.
 */
export async function readEmulators(
  dir: string = BINFMT_MISC_DIR,
): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    EMULATED_ARCHITECTURES.map(async arch => {
      const text = await fs
        .readFile(path.join(dir, `qemu-${QEMU_NAMES[arch]}`), 'utf8')
        .catch(() => '');
      const enabled = /^enabled$/m.test(text);
      const flags = /^flags:\s*(\S*)/m.exec(text)?.[1] ?? '';
      return [arch, enabled && flags.includes('F')] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Maps the engine's architecture names (`x86_64`, `aarch64`) to OCI ones. */
export function ociArchitecture(arch: string): string {
  switch (arch) {
    case 'x86_64':
      return 'amd64';
    case 'aarch64':
      return 'arm64';
    case 'i386':
    case 'i686':
      return '386';
    default:
      return arch;
  }
}
