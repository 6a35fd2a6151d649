/**
 * The Linux architectures a wheel's platform tag can name, with the Docker
 * platform that runs it and what the ELF header of its shared objects says
 * (`e_machine`, class and byte order from the System V ABI supplements).
 */
export type WheelArchitecture = {
  /** As in platform tags: `x86_64`, `aarch64`, `s390x`… */
  arch: string;
  dockerPlatform: string;
  elf: { machine: number; bits: 32 | 64; littleEndian: boolean };
};

const ARCHITECTURES: WheelArchitecture[] = [
  {
    arch: 'x86_64',
    dockerPlatform: 'linux/amd64',
    elf: { machine: 62, bits: 64, littleEndian: true },
  },
  {
    arch: 'aarch64',
    dockerPlatform: 'linux/arm64',
    elf: { machine: 183, bits: 64, littleEndian: true },
  },
  {
    arch: 's390x',
    dockerPlatform: 'linux/s390x',
    elf: { machine: 22, bits: 64, littleEndian: false },
  },
  {
    arch: 'ppc64le',
    dockerPlatform: 'linux/ppc64le',
    elf: { machine: 21, bits: 64, littleEndian: true },
  },
  {
    arch: 'armv7l',
    dockerPlatform: 'linux/arm/v7',
    elf: { machine: 40, bits: 32, littleEndian: true },
  },
  {
    arch: 'i686',
    dockerPlatform: 'linux/386',
    elf: { machine: 3, bits: 32, littleEndian: true },
  },
  {
    arch: 'riscv64',
    dockerPlatform: 'linux/riscv64',
    elf: { machine: 243, bits: 64, littleEndian: true },
  },
];

/** `linux_s390x`, `manylinux2014_aarch64`, `manylinux_2_17_x86_64`, `musllinux_1_1_x86_64`. */
const LINUX_TAG =
  /^(linux|manylinux1|manylinux2010|manylinux2014|manylinux_\d+_\d+|musllinux_\d+_\d+)_(.+)$/;

export type WheelPlatform =
  | { kind: 'any' }
  | { kind: 'linux'; family: string; architecture: WheelArchitecture }
  | { kind: 'other'; tag: string };

/** What one platform tag of a wheel's file name promises. */
export function wheelPlatform(tag: string): WheelPlatform {
  if (tag === 'any') return { kind: 'any' };
  const match = LINUX_TAG.exec(tag);
  const architecture = match && ARCHITECTURES.find(a => a.arch === match[2]);
  if (!match || !architecture) return { kind: 'other', tag };
  return { kind: 'linux', family: match[1], architecture };
}

/** The architecture of a Docker platform (`linux/s390x` → s390x). */
export function architectureOfDockerPlatform(
  platform: string,
): WheelArchitecture | undefined {
  return ARCHITECTURES.find(a => a.dockerPlatform === platform);
}

/** The architecture whose ELF header this is, if any the refinery knows. */
export function architectureOfElf(header: {
  machine: number;
  bits: number;
  littleEndian: boolean;
}): WheelArchitecture | undefined {
  return ARCHITECTURES.find(
    a =>
      a.elf.machine === header.machine &&
      a.elf.bits === header.bits &&
      a.elf.littleEndian === header.littleEndian,
  );
}
