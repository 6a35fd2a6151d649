import { Knex } from 'knex';
import { toDate } from './timestamps';

/** What the factory last acted on of an image's build inputs in images.yaml. */
export interface BuildTrigger {
  imageName: string;
  /** Source, build args and platforms as canonical JSON. */
  config: string;
  firstSeenAt: Date;
  updatedAt: Date;
}

/**
 * The per-image record that makes automatic builds happen once: a first
 * sight (enrollment) or a change of config is acted on, then recorded here.
 */
export interface BuildTriggerStore {
  /** Every image's record, by image name. */
  list(): Promise<Map<string, BuildTrigger>>;
  /** The records of these images, by image name, in batched queries. */
  listOf(imageNames: string[]): Promise<Map<string, BuildTrigger>>;
  /**
   * Records the config acted on. With `ifConfig`, only while the stored
   * config is still that one (`null`: while there is none); false otherwise,
   * so two backends acting on one change record it once.
   */
  record(
    trigger: BuildTrigger,
    options: { ifConfig: string | null },
  ): Promise<boolean>;
}

type Row = {
  image_name: string;
  config: string;
  first_seen_at: string | number | Date;
  updated_at: string | number | Date;
};

function toTrigger(row: Row): BuildTrigger {
  return {
    imageName: row.image_name,
    config: row.config,
    firstSeenAt: toDate(row.first_seen_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** {@link BuildTriggerStore} on the plugin's database. */
export class DatabaseBuildTriggerStore implements BuildTriggerStore {
  static create(options: { client: Knex }): DatabaseBuildTriggerStore {
    return new DatabaseBuildTriggerStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async list(): Promise<Map<string, BuildTrigger>> {
    const rows = await this.db<Row>('image_build_triggers');
    return new Map(rows.map(row => [row.image_name, toTrigger(row)]));
  }

  async listOf(imageNames: string[]): Promise<Map<string, BuildTrigger>> {
    const names = [...new Set(imageNames)];
    const found = new Map<string, BuildTrigger>();
    // Stays under SQLite's bound-variable limit for any number of images.
    for (let i = 0; i < names.length; i += 500) {
      const rows = await this.db<Row>('image_build_triggers').whereIn(
        'image_name',
        names.slice(i, i + 500),
      );
      for (const row of rows) found.set(row.image_name, toTrigger(row));
    }
    return found;
  }

  async record(
    trigger: BuildTrigger,
    options: { ifConfig: string | null },
  ): Promise<boolean> {
    const row = {
      image_name: trigger.imageName,
      config: trigger.config,
      first_seen_at: trigger.firstSeenAt,
      updated_at: trigger.updatedAt,
    };
    if (options.ifConfig === null) {
      try {
        await this.db('image_build_triggers').insert(row);
        return true;
      } catch (e) {
        // The primary key refuses a second first sight.
        const existing = await this.db('image_build_triggers')
          .where('image_name', trigger.imageName)
          .first();
        if (existing) return false;
        throw e;
      }
    }
    const updated = await this.db('image_build_triggers')
      .where({ image_name: trigger.imageName, config: options.ifConfig })
      .update({ config: row.config, updated_at: row.updated_at });
    return updated > 0;
  }
}
