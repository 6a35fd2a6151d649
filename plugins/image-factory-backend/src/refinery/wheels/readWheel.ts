import { InputError } from '@backstage/errors';
import JSZip from 'jszip';
import { CoreMetadata, readCoreMetadata } from './readCoreMetadata';
import { ElfHeader, readElfHeader } from './readElfHeader';
import { importNames } from './importNames';

/** What a wheel holds that the refinery checks and the index serves. */
export type WheelContents = {
  /** `{name}-{version}.dist-info`, the one such directory at the top. */
  distInfo: string;
  /** METADATA as stored: PEP 658 serves these exact bytes. */
  metadataFile: Buffer;
  metadata: CoreMetadata;
  /** Every file of the wheel that is an ELF object, with its header. */
  elfFiles: Array<{ path: string; header: ElfHeader }>;
  /** What an import check imports: top-level names and compiled modules. */
  importNames: string[];
};

/** Files that are text by their name: not read when looking for ELF objects. */
const TEXT_FILE =
  /\.(py|pyi|pyx|pxd|txt|md|rst|json|toml|cfg|ini|typed|h|c|cc|cpp)$/i;

/**
 * Opens a wheel (a zip archive, PEP 427) and reads its METADATA and the
 * headers of its ELF objects. Throws an InputError naming the problem when
 * the file is not a zip or has no single `.dist-info` with a METADATA.
 */
export async function readWheel(
  filename: string,
  bytes: Buffer,
): Promise<WheelContents> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  } catch (e) {
    throw new InputError(`${filename} is not a zip archive: ${String(e)}`);
  }
  const files = Object.values(zip.files).filter(f => !f.dir);
  const distInfos = new Set(
    files
      .map(f => f.name.split('/'))
      .filter(p => p.length === 2 && p[0].endsWith('.dist-info'))
      .map(p => p[0]),
  );
  if (distInfos.size !== 1) {
    throw new InputError(
      `${filename} must hold exactly one top-level .dist-info directory, found ${distInfos.size}`,
    );
  }
  const [distInfo] = distInfos;
  const metadataEntry = zip.file(`${distInfo}/METADATA`);
  if (!metadataEntry) {
    throw new InputError(`${filename} has no ${distInfo}/METADATA`);
  }
  const metadataFile = await metadataEntry.async('nodebuffer');
  const elfFiles: WheelContents['elfFiles'] = [];
  for (const file of files) {
    if (TEXT_FILE.test(file.name) || file.name.startsWith(`${distInfo}/`)) {
      continue;
    }
    const header = readElfHeader(await file.async('uint8array'));
    if (header) elfFiles.push({ path: file.name, header });
  }
  const topLevel = await zip.file(`${distInfo}/top_level.txt`)?.async('string');
  return {
    distInfo,
    metadataFile,
    metadata: readCoreMetadata(metadataFile.toString('utf8')),
    elfFiles,
    importNames: importNames(
      files.map(f => f.name),
      distInfo,
      topLevel,
    ),
  };
}
