// Tiny static Linux executables made byte by byte, so that test images need no
// base image, no package and no network: FROM scratch, COPY the file, RUN it.
// Each writes `message` to stdout and exits with `exitCode`. Foreign ones run
// through QEMU user emulation (binfmt_misc), which is what a real s390x build
// on an amd64 engine does.

/** Architectures {@link staticElf} can write, named as in OCI platforms. */
export type StaticElfArch = 'amd64' | 's390x';

const BASE_ADDRESS = 0x400000n;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const CODE_OFFSET = EHDR_SIZE + PHDR_SIZE;

function amd64Code(
  message: Buffer,
  exitCode: number,
  sleepSeconds: number,
): Buffer {
  const parts: Buffer[] = [];
  const timespecAt: number[] = [];
  if (sleepSeconds > 0) {
    // mov eax, 35 (nanosleep); lea rdi, [rip + timespec]; xor esi, esi; syscall
    const sleep = Buffer.from([
      0xb8, 35, 0, 0, 0, 0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x31, 0xf6, 0x0f, 0x05,
    ]);
    timespecAt.push(8); // rel32 of the lea, relative to the lea's end (12)
    parts.push(sleep);
  }
  const base = parts.reduce((n, p) => n + p.length, 0);
  const code = Buffer.alloc(36);
  // mov eax, 1 (write); mov edi, 1 (stdout)
  code.set([0xb8, 1, 0, 0, 0, 0xbf, 1, 0, 0, 0], 0);
  // lea rsi, [rip + 19]: the message follows the code, 19 bytes after this instruction.
  code.set([0x48, 0x8d, 0x35], 10);
  code.writeInt32LE(36 - 17, 13);
  // mov edx, len; syscall
  code.writeUInt8(0xba, 17);
  code.writeUInt32LE(message.length, 18);
  code.set([0x0f, 0x05], 22);
  // mov eax, 60 (exit); mov edi, exitCode; syscall
  code.set([0xb8, 60, 0, 0, 0, 0xbf], 24);
  code.writeUInt32LE(exitCode, 30);
  code.set([0x0f, 0x05], 34);
  parts.push(code, message);
  const timespecOffset = base + code.length + message.length;
  if (sleepSeconds > 0) {
    const timespec = Buffer.alloc(16);
    timespec.writeBigUInt64LE(BigInt(sleepSeconds), 0);
    parts.push(timespec);
    parts[0].writeInt32LE(timespecOffset - 12, timespecAt[0]);
  }
  return Buffer.concat(parts);
}

function s390xCode(message: Buffer, exitCode: number): Buffer {
  const code = Buffer.alloc(22);
  // lghi %r2, 1 (stdout)
  code.set([0xa7, 0x29, 0x00, 0x01], 0);
  // larl %r3, message: offset in halfwords from this instruction (at 4) to 22.
  code.set([0xc0, 0x30], 4);
  code.writeInt32BE((22 - 4) / 2, 6);
  // lghi %r4, len; svc 4 (write)
  code.set([0xa7, 0x49], 10);
  code.writeInt16BE(message.length, 12);
  code.set([0x0a, 0x04], 14);
  // lghi %r2, exitCode; svc 1 (exit)
  code.set([0xa7, 0x29], 16);
  code.writeInt16BE(exitCode, 18);
  code.set([0x0a, 0x01], 20);
  return Buffer.concat([code, message]);
}

/**
 * An ELF64 executable for `arch` (one PT_LOAD segment, no sections) that
 * prints `message` and exits with `exitCode` (0–255); on amd64 it can
 * first sleep `sleepSeconds`.
 */
export function staticElf(
  arch: StaticElfArch,
  message: string,
  exitCode = 0,
  options: { sleepSeconds?: number } = {},
): Buffer {
  const text = Buffer.from(message);
  if (text.length > 0x7fff) throw new RangeError('message too long');
  if (options.sleepSeconds && arch !== 'amd64') {
    throw new RangeError('sleepSeconds is only implemented for amd64');
  }
  const code =
    arch === 'amd64'
      ? amd64Code(text, exitCode, options.sleepSeconds ?? 0)
      : s390xCode(text, exitCode);
  const file = Buffer.alloc(CODE_OFFSET + code.length);
  const bigEndian = arch === 's390x';
  const u16 = (value: number, at: number) =>
    bigEndian ? file.writeUInt16BE(value, at) : file.writeUInt16LE(value, at);
  const u32 = (value: number, at: number) =>
    bigEndian ? file.writeUInt32BE(value, at) : file.writeUInt32LE(value, at);
  const u64 = (value: bigint, at: number) =>
    bigEndian
      ? file.writeBigUInt64BE(value, at)
      : file.writeBigUInt64LE(value, at);

  // e_ident: magic, ELFCLASS64, data encoding, EV_CURRENT, ELFOSABI_SYSV
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, bigEndian ? 2 : 1, 1, 0], 0);
  u16(2, 16); // e_type: ET_EXEC
  u16(arch === 'amd64' ? 62 : 22, 18); // e_machine: EM_X86_64, EM_S390
  u32(1, 20); // e_version
  u64(BASE_ADDRESS + BigInt(CODE_OFFSET), 24); // e_entry
  u64(BigInt(EHDR_SIZE), 32); // e_phoff
  u64(0n, 40); // e_shoff
  u32(0, 48); // e_flags
  u16(EHDR_SIZE, 52); // e_ehsize
  u16(PHDR_SIZE, 54); // e_phentsize
  u16(1, 56); // e_phnum
  u16(64, 58); // e_shentsize
  u16(0, 60); // e_shnum
  u16(0, 62); // e_shstrndx

  const ph = EHDR_SIZE;
  u32(1, ph); // p_type: PT_LOAD
  u32(5, ph + 4); // p_flags: R + X
  u64(0n, ph + 8); // p_offset
  u64(BASE_ADDRESS, ph + 16); // p_vaddr
  u64(BASE_ADDRESS, ph + 24); // p_paddr
  u64(BigInt(file.length), ph + 32); // p_filesz
  u64(BigInt(file.length), ph + 40); // p_memsz
  u64(0x1000n, ph + 48); // p_align

  code.copy(file, CODE_OFFSET);
  return file;
}
