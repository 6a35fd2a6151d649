import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { toDate } from '../../database/timestamps';

/** A wheel file the simple index serves. */
export interface WheelFileRecord {
  /** PEP 503 normalized. */
  project: string;
  filename: string;
  version: string;
  sha256: string;
  size: number;
  metadataSha256: string;
  requiresPython?: string;
  architecture?: string;
  buildKey?: string;
  /** Image id of the builder that built it; absent for files published before it was kept. */
  builderId?: string;
  yanked: boolean;
  yankedReason?: string;
  uploadedAt: Date;
}

type Row = {
  project: string;
  filename: string;
  version: string;
  sha256: string;
  size: number | string;
  metadata_sha256: string;
  requires_python: string | null;
  architecture: string | null;
  build_key: string | null;
  builder_id: string | null;
  yanked: boolean | number;
  yanked_reason: string | null;
  uploaded_at: string | number | Date;
};

const TABLE = 'refinery_wheel_files';

const toRecord = (row: Row): WheelFileRecord => ({
  project: row.project,
  filename: row.filename,
  version: row.version,
  sha256: row.sha256,
  size: Number(row.size),
  metadataSha256: row.metadata_sha256,
  ...(row.requires_python && { requiresPython: row.requires_python }),
  ...(row.architecture && { architecture: row.architecture }),
  ...(row.build_key && { buildKey: row.build_key }),
  ...(row.builder_id && { builderId: row.builder_id }),
  yanked: Boolean(row.yanked),
  ...(row.yanked_reason && { yankedReason: row.yanked_reason }),
  uploadedAt: toDate(row.uploaded_at),
});

/**
 * The refinery's published wheel files in the plugin database. A file name
 * is published once: the same bytes again change nothing, other bytes under
 * that name are refused (pip caches by file name; a rebuild that differs
 * takes a new build tag).
 */
export class WheelFileStore {
  static create(options: { client: Knex }): WheelFileStore {
    return new WheelFileStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  /** Adds a file; answers whether it was new. */
  async add(
    record: Omit<WheelFileRecord, 'yanked' | 'yankedReason'>,
  ): Promise<boolean> {
    const inserted = await this.db<Row>(TABLE)
      .insert({
        project: record.project,
        filename: record.filename,
        version: record.version,
        sha256: record.sha256,
        size: record.size,
        metadata_sha256: record.metadataSha256,
        requires_python: record.requiresPython ?? null,
        architecture: record.architecture ?? null,
        build_key: record.buildKey ?? null,
        builder_id: record.builderId ?? null,
        yanked: false,
        yanked_reason: null,
        uploaded_at: record.uploadedAt,
      })
      .onConflict(['project', 'filename'])
      .ignore()
      .returning('sha256');
    if (inserted.length > 0) return true;
    const existing = await this.get(record.project, record.filename);
    if (existing && existing.sha256 !== record.sha256) {
      throw new ConflictError(
        `${record.filename} is published already with other contents (sha256 ${existing.sha256}); a rebuild that differs needs a new build tag`,
      );
    }
    // The same bytes from a new build (a reproducible build in a rebuilt
    // builder): the file now stands for that build, so that the next plan
    // counts it as built and the next run reuses it.
    if (
      existing &&
      record.buildKey &&
      (existing.buildKey !== record.buildKey ||
        existing.builderId !== record.builderId)
    ) {
      await this.db<Row>(TABLE)
        .where({ project: record.project, filename: record.filename })
        .update({
          build_key: record.buildKey,
          builder_id: record.builderId ?? null,
        });
    }
    return false;
  }

  async get(
    project: string,
    filename: string,
  ): Promise<WheelFileRecord | undefined> {
    const row = await this.db<Row>(TABLE).where({ project, filename }).first();
    return row && toRecord(row);
  }

  /** The files of one project, by file name. */
  async listFiles(project: string): Promise<WheelFileRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ project })
      .orderBy('filename');
    return rows.map(toRecord);
  }

  /** The projects with at least one file, in name order. */
  async listProjects(): Promise<string[]> {
    const rows = await this.db<Row>(TABLE)
      .distinct('project')
      .orderBy('project');
    return rows.map(r => r.project);
  }

  /** The file built from these inputs, if any (a fully built plan reuses it). */
  async findByBuildKey(buildKey: string): Promise<WheelFileRecord | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ build_key: buildKey })
      .first();
    return row && toRecord(row);
  }

  /** Yanks (PEP 592) or un-yanks a file; answers whether it exists. */
  async setYanked(
    project: string,
    filename: string,
    yanked: { reason?: string } | false,
  ): Promise<boolean> {
    const changed = await this.db<Row>(TABLE)
      .where({ project, filename })
      .update({
        yanked: yanked !== false,
        yanked_reason: yanked === false ? null : yanked.reason ?? null,
      });
    return changed > 0;
  }
}
