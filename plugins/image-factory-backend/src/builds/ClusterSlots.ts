import { randomUUID } from 'crypto';
import { DatabaseExecutorSlotStore, HeldSlot } from '../database';
import { Semaphore, Slots, SlotWaitOptions } from './Semaphore';

/** How long a slot is held without renewal; renewed every third of it. */
const SLOT_LEASE_MS = 60_000;
/** How often a build waiting for a slot held by another replica asks again. */
const POLL_MS = 1_000;

/**
 * An executor's `concurrency` slots for the whole cluster: a build first
 * waits its turn in this backend (a local semaphore, in order), then holds
 * one of the executor's slot rows in the database under a lease, so that
 * several replicas together never run more than `concurrency` builds on
 * one host. A backend that stops leaves its slots to expire.
 */
export class ClusterSlots implements Slots {
  private readonly local: Semaphore;

  constructor(
    private readonly options: {
      store: DatabaseExecutorSlotStore;
      executor: string;
      concurrency: number;
      owner: string;
      clock?: () => Date;
    },
  ) {
    this.local = new Semaphore(options.concurrency);
  }

  use<T>(fn: () => Promise<T>, wait: SlotWaitOptions = {}): Promise<T> {
    return this.local.use(async () => {
      const held = await this.acquire(wait);
      const heartbeat = setInterval(
        () =>
          void this.options.store
            .renew(held, new Date(this.now().getTime() + SLOT_LEASE_MS))
            .catch(() => undefined),
        SLOT_LEASE_MS / 3,
      );
      heartbeat.unref();
      try {
        return await fn();
      } finally {
        clearInterval(heartbeat);
        // A release that fails must not fail a build that succeeded: the
        // slot's lease runs out within a minute and frees it then.
        await this.options.store.release(held).catch(() => undefined);
      }
    }, wait);
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private async acquire(wait: SlotWaitOptions): Promise<HeldSlot> {
    const holder = randomUUID();
    let told = false;
    for (;;) {
      wait.signal?.throwIfAborted();
      const held = await this.options.store.acquire({
        executor: this.options.executor,
        concurrency: this.options.concurrency,
        holder,
        owner: this.options.owner,
        leaseMs: SLOT_LEASE_MS,
        now: this.now(),
      });
      if (held) return held;
      if (!told) {
        told = true;
        wait.onWait?.(
          `all ${this.options.concurrency} slots of ${this.options.executor} are held by builds of other replicas`,
        );
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, POLL_MS);
        wait.signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  }
}
