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
  /** Its source fetch, seconds. */
  sourceSeconds?: number;
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

/** An emergency plan closed by a run: for the check that no run started before it satisfies it. */
export interface EmergencySettled {
  image: number;
  askedAt: number;
  run: Run;
}

export interface Plan {
  cause: Cause;
  createdAt: number;
  /** When an emergency was asked for it (EmergencyRebuilds sets eligibleAt to now). */
  askedAt?: number;
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
