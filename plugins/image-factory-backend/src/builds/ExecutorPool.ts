import {
  ImageFactoryAnyExecutor,
  ProviderConfig,
} from '@image-factory/plugin-image-factory-node';
import { randomBytes } from 'crypto';
import os from 'os';
import { DatabaseExecutorSlotStore } from '../database';
import { ClusterSlots } from './ClusterSlots';
import { PlacementCandidate } from './placement';
import { Semaphore, Slots } from './Semaphore';

export { Semaphore } from './Semaphore';
export type { Slots, SlotWaitOptions } from './Semaphore';

/** One executor with what placement needs and the bound on its builds. */
export interface PooledExecutor extends PlacementCandidate {
  executor: ImageFactoryAnyExecutor;
  slots: Slots;
}

/**
 * The executors builds run on: those made from `imageFactory.providers.executors`
 * and those modules added. What an executor builds comes from its provider
 * config when there is one, else from its own `describe()`.
 */
export class ExecutorPool {
  private readonly pooled = new Map<
    string,
    Promise<PooledExecutor | undefined>
  >();

  private readonly owner = `${os.hostname()}-${process.pid}-${randomBytes(
    3,
  ).toString('hex')}`;

  constructor(
    private readonly executors: ImageFactoryAnyExecutor[],
    private readonly providers: ProviderConfig[],
    /** Where the slots of every replica are kept; per process when absent. */
    private readonly slotStore?: DatabaseExecutorSlotStore,
  ) {}

  /** An executor's slots: shared by the cluster through the database when there is one. */
  private slotsFor(executor: string, concurrency: number): Slots {
    return this.slotStore
      ? new ClusterSlots({
          store: this.slotStore,
          executor,
          concurrency,
          owner: this.owner,
        })
      : new Semaphore(concurrency);
  }

  /** The executors placement may use; an executor that cannot describe itself is left out. */
  async candidates(): Promise<PooledExecutor[]> {
    const all = await Promise.all(this.executors.map(e => this.pool(e)));
    return all.filter((e): e is PooledExecutor => !!e);
  }

  get(id: string): ImageFactoryAnyExecutor | undefined {
    return this.executors.find(e => e.id === id);
  }

  private pool(executor: ImageFactoryAnyExecutor) {
    let entry = this.pooled.get(executor.id);
    if (!entry) {
      entry = this.describe(executor);
      this.pooled.set(executor.id, entry);
      // Try describing again next time if it failed.
      entry.then(e => e ?? this.pooled.delete(executor.id));
    }
    return entry;
  }

  private async describe(
    executor: ImageFactoryAnyExecutor,
  ): Promise<PooledExecutor | undefined> {
    const config = this.providers.find(
      p => p.kind === 'executor' && p.id === executor.id,
    );
    if (config?.platforms) {
      return {
        id: executor.id,
        platforms: config.platforms,
        emulatedPlatforms: config.emulatedPlatforms ?? [],
        concurrency: config.concurrency ?? 1,
        executor,
        slots: this.slotsFor(executor.id, config.concurrency ?? 1),
      };
    }
    try {
      const info = await executor.describe();
      return {
        id: executor.id,
        platforms: info.platforms,
        emulatedPlatforms: info.emulatedPlatforms,
        concurrency: info.concurrency,
        executor,
        slots: this.slotsFor(executor.id, info.concurrency),
      };
    } catch {
      return undefined;
    }
  }
}
