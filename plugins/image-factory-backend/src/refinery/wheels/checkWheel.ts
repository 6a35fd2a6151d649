import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { normalizeProjectName } from './normalizeProjectName';
import { parseWheelFilename, WheelFilename } from './parseWheelFilename';
import { readWheel } from './readWheel';
import {
  architectureOfElf,
  WheelArchitecture,
  wheelPlatform,
} from './wheelPlatforms';

/** A wheel that passed the refinery's static checks, ready to be stored. */
export type CheckedWheel = WheelFilename & {
  sha256: string;
  size: number;
  /** The METADATA file (PEP 658) and its digest. */
  metadataFile: Buffer;
  metadataSha256: string;
  requiresPython?: string;
  /** The one architecture of a platform wheel; undefined for a pure one. */
  architecture?: WheelArchitecture;
  /** What the install-and-import check imports. */
  importNames: string[];
};

const sha256 = (bytes: Buffer) =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * The checks no served wheel skips: the file name parses, METADATA names the
 * same project and version, the tags are honest (`linux_<arch>`: a manylinux
 * or musllinux tag needs a policy check the refinery does not run), and every
 * ELF object is for the architecture of the tag (piwheels once served
 * wrong-architecture wheels). `platform` is the Docker platform the wheel
 * was built for, when known. Throws an InputError naming the file at fault.
 */
export async function checkWheel(
  filename: string,
  bytes: Buffer,
  options: { platform?: string } = {},
): Promise<CheckedWheel> {
  const parsed = parseWheelFilename(filename);
  const contents = await readWheel(filename, bytes);
  const fail = (why: string) => new InputError(`${filename}: ${why}`);

  const distName = contents.distInfo.slice(0, -'.dist-info'.length);
  const dash = distName.lastIndexOf('-');
  if (
    normalizeProjectName(distName.slice(0, dash)) !== parsed.project ||
    distName.slice(dash + 1) !== parsed.version
  ) {
    throw fail(
      `its ${contents.distInfo} does not match the file name's ${parsed.name}-${parsed.version}`,
    );
  }
  const { metadata } = contents;
  if (
    !metadata.name ||
    normalizeProjectName(metadata.name) !== parsed.project
  ) {
    throw fail(
      `METADATA names '${metadata.name ?? ''}', not ${parsed.project}`,
    );
  }
  if (metadata.version !== parsed.version) {
    throw fail(
      `METADATA has version '${metadata.version ?? ''}', the file name ${
        parsed.version
      }`,
    );
  }

  const architecture = tagArchitecture(parsed, fail);
  for (const elf of contents.elfFiles) {
    const found = architectureOfElf(elf.header);
    if (!architecture) {
      throw fail(`is tagged 'any' but holds the compiled object ${elf.path}`);
    }
    if (found?.arch !== architecture.arch) {
      throw fail(
        `${elf.path} is built for ${
          found?.arch ?? `ELF machine ${elf.header.machine}`
        }, but the wheel is tagged ${parsed.platformTags.join('.')}`,
      );
    }
  }
  if (options.platform && architecture) {
    if (architecture.dockerPlatform !== options.platform) {
      throw fail(
        `is tagged for ${architecture.dockerPlatform}, but was built for ${options.platform}`,
      );
    }
  }
  return {
    ...parsed,
    sha256: sha256(bytes),
    size: bytes.length,
    metadataFile: contents.metadataFile,
    metadataSha256: sha256(contents.metadataFile),
    requiresPython: metadata.requiresPython,
    architecture,
    importNames: contents.importNames,
  };
}

function tagArchitecture(
  parsed: WheelFilename,
  fail: (why: string) => Error,
): WheelArchitecture | undefined {
  const platforms = parsed.platformTags.map(wheelPlatform);
  if (platforms.every(p => p.kind === 'any')) return undefined;
  const arches = new Set<string>();
  let architecture: WheelArchitecture | undefined;
  for (const platform of platforms) {
    if (platform.kind === 'other') {
      throw fail(
        `platform tag '${platform.tag}' is not one the refinery serves (linux_<arch> or any)`,
      );
    }
    if (platform.kind === 'any') {
      throw fail(`mixes 'any' with platform tags`);
    }
    if (platform.family !== 'linux') {
      throw fail(
        `is tagged ${platform.family}_${platform.architecture.arch}, which needs a manylinux policy check the refinery does not run; tag it linux_${platform.architecture.arch}`,
      );
    }
    arches.add(platform.architecture.arch);
    architecture = platform.architecture;
  }
  if (arches.size > 1) {
    throw fail(`names several architectures (${[...arches].join(', ')})`);
  }
  return architecture;
}
