import { checkWheel, CheckedWheel } from './wheels/checkWheel';
import { architectureOfDockerPlatform } from './wheels/wheelPlatforms';
import { WheelBlobStore } from './store/WheelBlobStore';
import { WheelFileRecord, WheelFileStore } from './store/WheelFileStore';
import { nextBuildTag, withBuildTag } from './wheels/withBuildTag';
import { parseWheelFilename } from './wheels/parseWheelFilename';

/** Of files that differ only in their build tag, the highest build (what pip picks). */
function newestBuilds(files: WheelFileRecord[]): WheelFileRecord[] {
  const newest = new Map<string, { file: WheelFileRecord; build: number }>();
  for (const file of files) {
    const parsed = parseWheelFilename(file.filename);
    const key = file.filename.replace(`-${parsed.build}-`, '-');
    const build = parsed.build ? parseInt(parsed.build, 10) : 0;
    const seen = newest.get(key);
    if (!seen || build > seen.build) newest.set(key, { file, build });
  }
  return [...newest.values()].map(n => n.file);
}

/**
 * The one way into the simple index: a wheel is checked, its bytes and
 * METADATA stored by digest, and only then its row written, so that the
 * index never lists a file it cannot serve or one that failed a check.
 */
export class WheelPublisher {
  constructor(
    private readonly options: {
      blobs: WheelBlobStore;
      files: WheelFileStore;
      now?: () => Date;
    },
  ) {}

  /**
   * The published wheels of a project version for a platform (its own
   * architecture's, or pure-Python ones), with their bytes: what a later
   * build installs as a build requirement.
   */
  async published(
    project: string,
    version: string,
    platform: string,
  ): Promise<Array<{ filename: string; bytes: Buffer }>> {
    const arch = architectureOfDockerPlatform(platform)?.arch;
    const candidates = newestBuilds(
      (await this.options.files.listFiles(project)).filter(
        f =>
          f.version === version &&
          !f.yanked &&
          (f.architecture === arch || f.architecture === undefined),
      ),
    );
    const found: Array<{ filename: string; bytes: Buffer }> = [];
    for (const file of candidates) {
      const bytes = await this.options.blobs.get(file.sha256);
      if (bytes) found.push({ filename: file.filename, bytes });
    }
    return found;
  }

  async publish(
    filename: string,
    bytes: Buffer,
    options: {
      platform?: string;
      buildKey?: string;
      /** Image id of the builder that built it. */
      builderId?: string;
      /** A further check (install and import) between the static checks and storing; throws to refuse. */
      verify?: (wheel: CheckedWheel) => Promise<void>;
    } = {},
  ): Promise<{ file: WheelFileRecord; added: boolean; wheel: CheckedWheel }> {
    const { blobs, files } = this.options;
    let wheel = await checkWheel(filename, bytes, {
      platform: options.platform,
    });
    await options.verify?.(wheel);
    let stored = bytes;
    // A rebuild of a published version (a new builder) has other bytes
    // under the same name: it is served under the next build tag, which
    // pip prefers, and the file pip may have cached stays as it was.
    const taken = await files.get(wheel.project, wheel.filename);
    if (taken && taken.sha256 !== wheel.sha256) {
      const build = nextBuildTag(
        wheel.filename,
        (await files.listFiles(wheel.project)).map(f => f.filename),
      );
      const tagged = await withBuildTag(wheel.filename, bytes, build);
      stored = tagged.bytes;
      wheel = await checkWheel(tagged.filename, tagged.bytes, {
        platform: options.platform,
      });
    }
    await blobs.put(wheel.sha256, stored, wheel.filename);
    // PEP 658 names the metadata file after its wheel.
    await blobs.put(
      wheel.metadataSha256,
      wheel.metadataFile,
      `${wheel.filename}.metadata`,
    );
    const record = {
      project: wheel.project,
      filename: wheel.filename,
      version: wheel.version,
      sha256: wheel.sha256,
      size: wheel.size,
      metadataSha256: wheel.metadataSha256,
      requiresPython: wheel.requiresPython,
      architecture: wheel.architecture?.arch,
      buildKey: options.buildKey,
      builderId: options.builderId,
      uploadedAt: this.options.now?.() ?? new Date(),
    };
    const added = await files.add(record);
    const file = (await files.get(wheel.project, wheel.filename))!;
    return { file, added, wheel };
  }
}
