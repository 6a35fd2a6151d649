import {
  BuildInputs,
  BuildPlatformResult,
} from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { PlatformResults } from './buildRuns/PlatformResults';
import { RunCancellation } from './buildRuns/RunCancellation';
import { RunLeases } from './buildRuns/RunLeases';
import { RunQueue } from './buildRuns/RunQueue';
import { RunChange, RunReads } from './buildRuns/RunReads';
import { RunRetention } from './buildRuns/RunRetention';
import {
  BuildRunEnd,
  BuildRunRecord,
  NewBuildRun,
  RecoveredRuns,
} from './buildRuns/types';

export { toBuildRun } from './buildRuns/types';
export type { RunChange } from './buildRuns/RunReads';
export type {
  BuildRunEnd,
  BuildRunRecord,
  NewBuildRun,
  RecoveredRuns,
} from './buildRuns/types';

/**
 * The build queue and ledger. Every change of a running run names the lease
 * owner, so a backend that lost its lease (it stalled, another one took the
 * run over) can no longer write the run's outcome.
 */
export interface BuildStore {
  /** Queues a run, or returns the image's queued or running run (`created: false`). */
  enqueue(run: NewBuildRun): Promise<{ run: BuildRunRecord; created: boolean }>;
  get(id: string): Promise<BuildRunRecord | undefined>;
  /** Newest first. */
  list(filter: {
    imageName?: string;
    limit: number;
  }): Promise<BuildRunRecord[]>;
  /** The image's last succeeded run. */
  lastSucceeded(imageName: string): Promise<BuildRunRecord | undefined>;
  /** The last succeeded run of each image that has one, in batched queries. */
  lastSucceededOf(imageNames: string[]): Promise<Map<string, BuildRunRecord>>;
  /** Up to `limit` newest runs of each image that has runs, newest first, in batched queries. */
  latestOf(
    imageNames: string[],
    limit: number,
  ): Promise<Map<string, BuildRunRecord[]>>;
  /** The runs created or ended at or after `since`: what changed in the ledger. */
  changedSince(since: Date): Promise<RunChange[]>;
  /** Changes whenever a run is created or ends (two indexed reads). */
  stamp(): Promise<string>;
  /** Successful runs whose images are still in the registry, newest first. */
  listRetained(imageName: string): Promise<BuildRunRecord[]>;
  /** Records that the retention policy removed these runs' images. */
  markPruned(ids: string[], now: Date): Promise<void>;
  /** Takes the oldest queued run (emergencies first, scheduled runs last) with a lease. */
  claim(options: {
    owner: string;
    leaseMs: number;
    now: Date;
  }): Promise<BuildRunRecord | undefined>;
  /** Extends a lease; false when the owner no longer holds it. */
  renewLease(options: {
    id: string;
    owner: string;
    leaseMs: number;
    now: Date;
  }): Promise<boolean>;
  /** Records what the run is built from; false when the lease is lost. */
  setInputs(options: {
    id: string;
    owner: string;
    inputs: BuildInputs;
    inputsHash: string;
    reference: string;
  }): Promise<boolean>;
  setPlatform(runId: string, result: BuildPlatformResult): Promise<void>;
  /** Platforms building now on each executor, cluster-wide. */
  busyExecutors(): Promise<Map<string, number>>;
  /** Ends a running run; false when the lease is lost. */
  finish(options: {
    id: string;
    owner: string;
    end: BuildRunEnd;
    now: Date;
  }): Promise<boolean>;
  /** Gives a running run back to the queue, not counting the attempt (shutdown). */
  release(options: { id: string; owner: string }): Promise<boolean>;
  /** Queues again, fails or cancels the runs whose lease expired. */
  recoverExpired(options: {
    now: Date;
    maxAttempts: number;
  }): Promise<RecoveredRuns>;
  /** Cancels a queued run at once, or asks the backend running it to stop. */
  requestCancel(
    id: string,
    now: Date,
  ): Promise<'cancelled' | 'requested' | 'finished' | undefined>;
  /** The running runs of an owner whose cancellation was asked for. */
  cancelRequested(owner: string): Promise<string[]>;
}

/**
 * {@link BuildStore} on the plugin's database (SQLite or Postgres), made of
 * one unit per purpose in `./buildRuns`: the queue, leases, platform results,
 * cancellation, reads of the ledger and retention.
 */
export class DatabaseBuildStore implements BuildStore {
  static create(options: { client: Knex }): DatabaseBuildStore {
    return new DatabaseBuildStore(options.client);
  }

  private readonly reads: RunReads;
  private readonly queue: RunQueue;
  private readonly leases: RunLeases;
  private readonly platforms: PlatformResults;
  private readonly cancellation: RunCancellation;
  private readonly retention: RunRetention;

  private constructor(db: Knex) {
    this.reads = new RunReads(db);
    this.queue = new RunQueue(db, this.reads);
    this.leases = new RunLeases(db);
    this.platforms = new PlatformResults(db);
    this.cancellation = new RunCancellation(db);
    this.retention = new RunRetention(db, this.reads);
  }

  enqueue(run: NewBuildRun) {
    return this.queue.enqueue(run);
  }

  get(id: string) {
    return this.reads.get(id);
  }

  list(filter: { imageName?: string; limit: number }) {
    return this.reads.list(filter);
  }

  lastSucceeded(imageName: string) {
    return this.reads.lastSucceeded(imageName);
  }

  lastSucceededOf(imageNames: string[]) {
    return this.reads.lastSucceededOf(imageNames);
  }

  latestOf(imageNames: string[], limit: number) {
    return this.reads.latestOf(imageNames, limit);
  }

  changedSince(since: Date) {
    return this.reads.changedSince(since);
  }

  stamp() {
    return this.reads.stamp();
  }

  listRetained(imageName: string) {
    return this.retention.listRetained(imageName);
  }

  markPruned(ids: string[], now: Date) {
    return this.retention.markPruned(ids, now);
  }

  busyExecutors() {
    return this.platforms.busyExecutors();
  }

  claim(options: { owner: string; leaseMs: number; now: Date }) {
    return this.queue.claim(options);
  }

  renewLease(options: {
    id: string;
    owner: string;
    leaseMs: number;
    now: Date;
  }) {
    return this.leases.renewLease(options);
  }

  setInputs(options: {
    id: string;
    owner: string;
    inputs: BuildInputs;
    inputsHash: string;
    reference: string;
  }) {
    return this.leases.setInputs(options);
  }

  setPlatform(runId: string, result: BuildPlatformResult) {
    return this.platforms.setPlatform(runId, result);
  }

  finish(options: { id: string; owner: string; end: BuildRunEnd; now: Date }) {
    return this.leases.finish(options);
  }

  release(options: { id: string; owner: string }) {
    return this.leases.release(options);
  }

  recoverExpired(options: {
    now: Date;
    maxAttempts: number;
  }): Promise<RecoveredRuns> {
    return this.leases.recoverExpired(options);
  }

  requestCancel(id: string, now: Date) {
    return this.cancellation.requestCancel(id, now);
  }

  cancelRequested(owner: string) {
    return this.cancellation.cancelRequested(owner);
  }
}
