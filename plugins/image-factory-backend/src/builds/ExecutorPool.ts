import {
  ImageFactoryAnyExecutor,
  ProviderConfig,
} from '@image-factory/plugin-image-factory-node';
import { PlacementCandidate } from './placement';

/** A counting semaphore: at most `limit` holders at once, the others wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** One executor with what placement needs and the bound on its builds. */
export interface PooledExecutor extends PlacementCandidate {
  executor: ImageFactoryAnyExecutor;
  slots: Semaphore;
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

  constructor(
    private readonly executors: ImageFactoryAnyExecutor[],
    private readonly providers: ProviderConfig[],
  ) {}

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
        slots: new Semaphore(config.concurrency ?? 1),
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
        slots: new Semaphore(info.concurrency),
      };
    } catch {
      return undefined;
    }
  }
}
