/** The fields of an ELF header that say which machine runs the file. */
export type ElfHeader = {
  machine: number;
  bits: 32 | 64;
  littleEndian: boolean;
};

/** Bytes needed: e_ident (16), e_type (2), e_machine (2). */
export const ELF_HEADER_BYTES = 20;

/**
 * Reads the machine of an ELF file from its first bytes (System V ABI:
 * EI_CLASS at 4, EI_DATA at 5, e_machine at 18 in the file's byte order);
 * undefined when the bytes are not an ELF header.
 */
export function readElfHeader(bytes: Uint8Array): ElfHeader | undefined {
  if (bytes.length < ELF_HEADER_BYTES) return undefined;
  if (
    bytes[0] !== 0x7f ||
    bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  ) {
    return undefined;
  }
  // EI_CLASS: 1 is 32-bit, 2 is 64-bit; EI_DATA: 1 little, 2 big endian.
  const bits = ({ 1: 32, 2: 64 } as const)[bytes[4] as 1 | 2];
  const littleEndian = ({ 1: true, 2: false } as const)[bytes[5] as 1 | 2];
  if (bits === undefined || littleEndian === undefined) return undefined;
  const machine = littleEndian
    ? bytes[18] | (bytes[19] << 8)
    : (bytes[18] << 8) | bytes[19];
  return { machine, bits, littleEndian };
}
