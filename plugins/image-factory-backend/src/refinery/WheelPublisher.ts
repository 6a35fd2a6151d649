import { checkWheel, CheckedWheel } from './wheels/checkWheel';
import { architectureOfDockerPlatform } from './wheels/wheelPlatforms';
import { WheelBlobStore } from './store/WheelBlobStore';
import { WheelFileRecord, WheelFileStore } from './store/WheelFileStore';

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
    const candidates = (await this.options.files.listFiles(project)).filter(
      f =>
        f.version === version &&
        !f.yanked &&
        (f.architecture === arch || f.architecture === undefined),
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
      /** A further check (install and import) between the static checks and storing; throws to refuse. */
      verify?: (wheel: CheckedWheel) => Promise<void>;
    } = {},
  ): Promise<{ file: WheelFileRecord; added: boolean; wheel: CheckedWheel }> {
    const wheel = await checkWheel(filename, bytes, {
      platform: options.platform,
    });
    await options.verify?.(wheel);
    const { blobs, files } = this.options;
    await blobs.put(wheel.sha256, bytes, wheel.filename);
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
      uploadedAt: this.options.now?.() ?? new Date(),
    };
    const added = await files.add(record);
    const file = (await files.get(wheel.project, wheel.filename))!;
    return { file, added, wheel };
  }
}
