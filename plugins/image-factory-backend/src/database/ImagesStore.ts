import { Knex } from 'knex';
import { toDate } from './timestamps';

/**
 * An image the factory has known, with its history timestamps.
 */
export interface ImageRecord {
  entityRef: string;
  type: string;
  reference: string;
  owner: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** Set while the image is absent from images.yaml. */
  archivedAt?: Date;
}

/** The images present in one read of images.yaml. */
export interface PresentImage {
  entityRef: string;
  type: string;
  reference: string;
  owner: string;
}

export interface ImagesStore {
  /**
   * Records the images present in images.yaml at `now`: new ones are added,
   * returning ones are un-archived, absent ones are archived (never deleted).
   */
  syncPresent(images: PresentImage[], now: Date): Promise<void>;
  list(): Promise<ImageRecord[]>;
}

type Row = {
  entity_ref: string;
  type: string;
  reference: string;
  owner: string;
  first_seen_at: string | Date;
  last_seen_at: string | Date;
  archived_at: string | Date | null;
};

function toRecord(row: Row): ImageRecord {
  return {
    entityRef: row.entity_ref,
    type: row.type,
    reference: row.reference,
    owner: row.owner,
    firstSeenAt: toDate(row.first_seen_at),
    lastSeenAt: toDate(row.last_seen_at),
    ...(row.archived_at ? { archivedAt: toDate(row.archived_at) } : {}),
  };
}

/** Keeps image records in the plugin database. */
export class DatabaseImagesStore implements ImagesStore {
  static create(options: { client: Knex }): DatabaseImagesStore {
    return new DatabaseImagesStore(options.client);
  }

  private constructor(private readonly db: Knex) {}

  async syncPresent(images: PresentImage[], now: Date): Promise<void> {
    await this.db.transaction(async tx => {
      // Chunked so that 10,000 images stay under SQLite's bound-variable limit.
      for (let i = 0; i < images.length; i += 500) {
        const chunk = images.slice(i, i + 500);
        await tx<Row>('images')
          .insert(
            chunk.map(image => ({
              entity_ref: image.entityRef,
              type: image.type,
              reference: image.reference,
              owner: image.owner,
              first_seen_at: now,
              last_seen_at: now,
              archived_at: null,
            })),
          )
          .onConflict('entity_ref')
          .merge(['type', 'reference', 'owner', 'last_seen_at', 'archived_at']);
      }
      await tx<Row>('images')
        .whereNull('archived_at')
        .andWhere('last_seen_at', '<', now)
        .update({ archived_at: now });
    });
  }

  async list(): Promise<ImageRecord[]> {
    const rows = await this.db<Row>('images').select().orderBy('entity_ref');
    return rows.map(toRecord);
  }
}
