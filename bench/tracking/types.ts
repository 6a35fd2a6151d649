/* The scales, shapes and figures of bench:tracking, shared by its processes. */
import type { PushedManifest } from '../../plugins/image-factory-backend/src/tracking/__testUtils__/pushImages';

export type Scale = {
  label: string;
  images: number;
  bases: number;
  naive: boolean;
};
export const SCALES: Scale[] = [
  { label: '1k', images: 1_000, bases: 150, naive: true },
  { label: '10k', images: 10_000, bases: 1_500, naive: false },
];
/** Base 0 is used by 500 images, base 1 by 50; the rest share the others. */
export const BIG = 500;
export const SMALL = 50;
/** Bases changed before the last tracking pass (not 0 or 1). */
export const CHANGED = 10;
/** Registry requests through the counting proxy since the last call. */
export type Counts = { head: number; get: number; other: number };

export type TrackingPass = {
  label: string;
  head: number;
  get: number;
  other: number;
  ms: number;
};

/** What a scale's setup process measured, and what its passes need. */
export interface SetupFigures {
  uniqueRefs: number;
  indexes: number;
  pushMs: number;
  recordMs: number;
  tracking: TrackingPass[];
  naive?: { requests: number; ms: number };
  /** The platform children of each index base, reused when it is pushed again. */
  children: Array<[number, PushedManifest[]]>;
  /** The bench clock at the end of the setup. */
  clock: string;
  /** The database file's size. */
  databaseBytes: number;
  /** The setup process's peak RSS (the kernel's high-water mark). */
  peakRss: number;
}

/** What a scale's passes process measured. */
export interface PassFigures {
  tracking: TrackingPass[];
  restartMs: number;
  quietMs: number;
  smallMs: number;
  smallPlans: number;
  bigMs: number;
  bigPlans: number;
  bigPlatforms: string[];
  fullWithPlansMs: number;
  cascadeMs: number;
  cascadeRebuilds: number;
  graphFirstMs: number;
  graphMs: number;
  graphBytes: number;
  statusFirstMs: number;
  statusMs: number;
  statusBytes: number;
  /** RSS once the database is open and the graph loaded, before any pass. */
  loadedRss: number;
  /** The V8 heap used after the passes and a full collection. */
  liveHeap: number;
  /** The V8 heap's limit (Node's default, from the machine's memory). */
  heapLimit: number;
  /** The passes process's peak RSS (the kernel's high-water mark). */
  peakRss: number;
}
