import { gzipSync } from 'zlib';
import { sha256Digest } from '../../registry';

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number, value: string) {
  header.write(
    value,
    offset,
    Math.min(length, Buffer.byteLength(value)),
    'ascii',
  );
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** A ustar archive holding one regular file, as a layer's uncompressed bytes. */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(BLOCK);
  field(header, 0, 100, name);
  field(header, 100, 8, octal(0o644, 8));
  field(header, 108, 8, octal(0, 8));
  field(header, 116, 8, octal(0, 8));
  field(header, 124, 12, octal(content.length, 12));
  field(header, 136, 12, octal(0, 12));
  field(header, 148, 8, '        ');
  field(header, 156, 1, '0');
  field(header, 257, 6, 'ustar\0');
  field(header, 263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
  return Buffer.concat([
    header,
    content,
    Buffer.alloc(padding),
    Buffer.alloc(2 * BLOCK),
  ]);
}

/** A real gzip-compressed tar layer, and the digests an image config and manifest name it by. */
export interface TinyLayer {
  /** The compressed bytes, pushed as the blob. */
  bytes: Buffer;
  /** Digest of the compressed bytes (the manifest's layer digest). */
  digest: string;
  /** Digest of the uncompressed tar (the config's `rootfs.diff_ids` entry). */
  diffId: string;
}

/** A layer holding one small file; different content gives different digests. */
export function tinyLayer(fileName: string, content: string): TinyLayer {
  const tar = tarOneFile(fileName, Buffer.from(content));
  // gzipSync writes mtime 0, so the same content gives the same digest.
  const bytes = gzipSync(tar);
  return { bytes, digest: sha256Digest(bytes), diffId: sha256Digest(tar) };
}
