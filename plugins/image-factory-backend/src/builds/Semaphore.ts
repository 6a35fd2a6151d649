/** What a build waiting for a slot may be told and stopped by. */
export interface SlotWaitOptions {
  /** Stops the wait (the build was cancelled or the backend stops). */
  signal?: AbortSignal;
  /** Told once, with why, when the build has to wait. */
  onWait?: (why: string) => void;
}

/** The bound on an executor's builds at once. */
export interface Slots {
  use<T>(fn: () => Promise<T>, wait?: SlotWaitOptions): Promise<T>;
}

/** A counting semaphore: at most `limit` holders at once, the others wait in order. */
export class Semaphore implements Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async use<T>(fn: () => Promise<T>, wait: SlotWaitOptions = {}): Promise<T> {
    if (this.active >= this.limit) {
      wait.onWait?.(
        `all ${this.limit} slots are busy with this backend's builds`,
      );
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
