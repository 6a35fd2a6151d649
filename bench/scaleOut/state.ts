/** Why a run was queued; the queue claims emergencies first. */
export type Cause = 'base-change' | 'emergency';

export interface Run {
  id: number;
  image: number;
  cause: Cause;
  platforms: string[];
  createdAt: number;
  status: 'queued' | 'running' | 'succeeded';
  claimedAt?: number;
  replica?: number;
  /** When its first platform started building (after source fetch and executor slot). */
  firstBuildAt?: number;
  finishedAt?: number;
  /** What the run records as its inputs: the base versions tracking saw when it started. */
  inputs?: { bases: Map<number, number>; upstreamRun: number };
  /** What it really built from: the versions a pull got, through its golden image too. */
  content?: Map<number, number>;
  /** An emergency request joined this run (it was queued or running already). */
  joinedByEmergency?: 'queued' | 'running';
}

export interface Plan {
  cause: Cause;
  createdAt: number;
  maxWaitUntil?: Date;
  /** When computeTiming last said it may go (simulation shortcut, seconds). */
  readyAt?: number;
  run?: Run;
}

/** What the factory knows of one image. */
export interface ImageState {
  /** Base versions its last successful run recorded (inputs.baseDigests). */
  recorded: Map<number, number>;
  /** The golden image's run it was last built from (-1: before the simulation). */
  recordedUpstreamRun: number;
  /** Its last successful run (-1: before the simulation) and when it ended. */
  lastSuccessId: number;
  lastSuccessAt: number;
  /** What its last successful build contains. */
  content: Map<number, number>;
  active?: Run;
  plan?: Plan;
  /** Successful runs, for the invariant checks. */
  history: Run[];
}
