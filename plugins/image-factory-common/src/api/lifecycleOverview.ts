/**
 * One stage of one image on the factory-wide Lifecycle page.
 *
 * @public
 */
export interface LifecycleOverviewStage {
  /** The stage's name. */
  name: string;
  /** Its registry tag. */
  tag: string;
  /** What it holds; absent before its first promotion. */
  digest?: string;
  /** When it last changed (ISO 8601). */
  updatedAt?: string;
  /** Successful builds newer than the one it holds. */
  versionsBehind?: number;
  /** Time between the build it holds and the newest build, in ms. */
  behindMs?: number;
  /**
   * Set when the version it holds was built on a base digest that has been
   * replaced for longer than `imageFactory.lifecycle.staleAfter`.
   */
  stale?: {
    /** The base reference. */
    base: string;
    /** When the base's digest changed (ISO 8601). */
    replacedAt: string;
  };
  /** A promotion into it that waits for verification or approval. */
  waiting?: {
    /** The waiting move. */
    moveId: string;
    /** The digest it would put in the stage. */
    digest: string;
    /** What it waits for. */
    waitingFor: 'verification' | 'approval';
  };
}

/**
 * One image's row on the factory-wide Lifecycle page.
 *
 * @public
 */
export interface LifecycleOverviewRow {
  /** The image's name in images.yaml. */
  imageName: string;
  /** The Image entity. */
  entityRef: string;
  /** Its owner (entity ref). */
  owner: string;
  /** Digest of its newest successful build. */
  newestDigest?: string;
  /** When that build finished (ISO 8601). */
  newestBuiltAt?: string;
  /** Its stages in their order. */
  stages: LifecycleOverviewStage[];
}

/**
 * The answer of `GET /api/image-factory/lifecycle[?owner=group:default/x]`:
 * every image with stages that the caller may read.
 *
 * @public
 */
export interface LifecycleOverview {
  /** One row per image with stages, in images.yaml order. */
  items: LifecycleOverviewRow[];
  /** How long a replaced base may stay in a stage before it is stale (`7d`). */
  staleAfter: string;
}

/**
 * The signal channel (Backstage signals) told of every change of a stage
 * or a stage move; its message is {@link LifecycleSignal}.
 *
 * @public
 */
export const LIFECYCLE_SIGNAL_CHANNEL = 'image-factory:lifecycle';

/**
 * A message on {@link LIFECYCLE_SIGNAL_CHANNEL}.
 *
 * @public
 */
export type LifecycleSignal = {
  /** The image whose stages or moves changed. */
  imageName: string;
};
