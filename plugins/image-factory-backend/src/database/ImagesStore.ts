import type { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
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
  /** The Image entity of its entry, kept for the archive and re-enrollment. */
  entity?: ImageEntityV1alpha1;
}

/** One change of an image's presence in images.yaml. */
export interface ImageEvent {
  event: 'enrolled' | 'unenrolled' | 're-enrolled';
  at: Date;
}

/** An image absent from images.yaml, with what the archive shows. */
export interface ArchivedImageRecord extends ImageRecord {
  archivedAt: Date;
  entity?: ImageEntityV1alpha1;
  /** Oldest first. */
  events: ImageEvent[];
}

export interface ImagesStore {
  /**
   * Records the images present in images.yaml at `now`: new ones are added,
   * returning ones are un-archived, absent ones are archived (never deleted).
   */
  syncPresent(images: PresentImage[], now: Date): Promise<void>;
  list(): Promise<ImageRecord[]>;
  /**
   * What changes whenever any backend records a read (the count of images
   * and the latest `lastSeenAt`): replicas compare it to learn of a new
   * images.yaml that another one read.
   */
  stamp(): Promise<string>;
  /** The archived images, most recently archived first. */
  listArchived(): Promise<ArchivedImageRecord[]>;
}

type Row = {
  entity_ref: string;
  type: string;
  reference: string;
  owner: string;
  first_seen_at: string | Date;
  last_seen_at: string | Date;
  archived_at: string | Date | null;
  entity?: string | null;
};

type EventRow = {
  entity_ref: string;
  event: ImageEvent['event'];
  at: string | Date;
};

/** Rows per statement, under SQLite's bound-variable limit. */
const CHUNK = 500;

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

  async stamp(): Promise<string> {
    const [row] = await this.db('images')
      .count({ count: '*' })
      .max({ latest: 'last_seen_at' });
    const latest = row?.latest ? toDate(row.latest).toISOString() : 'none';
    return `${Number(row?.count ?? 0)}:${latest}`;
  }

  async syncPresent(images: PresentImage[], now: Date): Promise<void> {
    await this.db.transaction(async tx => {
      const before = new Map(
        (await tx<Row>('images').select('entity_ref', 'archived_at')).map(r => [
          r.entity_ref,
          r.archived_at,
        ]),
      );
      const present = new Set(images.map(i => i.entityRef));
      const events: EventRow[] = [];
      for (const ref of present) {
        if (!before.has(ref)) {
          events.push({ entity_ref: ref, event: 'enrolled', at: now });
        } else if (before.get(ref)) {
          events.push({ entity_ref: ref, event: 're-enrolled', at: now });
        }
      }
      for (const [ref, archivedAt] of before) {
        if (!archivedAt && !present.has(ref)) {
          events.push({ entity_ref: ref, event: 'unenrolled', at: now });
        }
      }
      for (let i = 0; i < images.length; i += CHUNK) {
        const chunk = images.slice(i, i + CHUNK);
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
              entity: image.entity ? JSON.stringify(image.entity) : null,
            })),
          )
          .onConflict('entity_ref')
          .merge([
            'type',
            'reference',
            'owner',
            'last_seen_at',
            'archived_at',
            'entity',
          ]);
      }
      await tx<Row>('images')
        .whereNull('archived_at')
        .andWhere('last_seen_at', '<', now)
        .update({ archived_at: now });
      for (let i = 0; i < events.length; i += CHUNK) {
        await tx<EventRow>('image_events').insert(events.slice(i, i + CHUNK));
      }
    });
  }

  async list(): Promise<ImageRecord[]> {
    const rows = await this.db<Row>('images').select().orderBy('entity_ref');
    return rows.map(toRecord);
  }

  async listArchived(): Promise<ArchivedImageRecord[]> {
    const rows = await this.db<Row>('images')
      .select()
      .whereNotNull('archived_at')
      .orderBy([
        { column: 'archived_at', order: 'desc' },
        { column: 'entity_ref', order: 'asc' },
      ]);
    const events = new Map<string, ImageEvent[]>();
    const refs = rows.map(r => r.entity_ref);
    for (let i = 0; i < refs.length; i += CHUNK) {
      const eventRows = await this.db<EventRow & { id: number }>('image_events')
        .select()
        .whereIn('entity_ref', refs.slice(i, i + CHUNK))
        .orderBy(['at', 'id']);
      for (const row of eventRows) {
        const list = events.get(row.entity_ref) ?? [];
        list.push({ event: row.event, at: toDate(row.at) });
        events.set(row.entity_ref, list);
      }
    }
    return rows.map(row => ({
      ...toRecord(row),
      archivedAt: toDate(row.archived_at!),
      ...(row.entity ? { entity: JSON.parse(row.entity) } : {}),
      events: events.get(row.entity_ref) ?? [],
    }));
  }
}
