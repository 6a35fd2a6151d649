import { EventEmitter } from 'events';

/**
 * In-process news of build runs, so that log streams answer at once instead
 * of at their next poll. Streams still poll the database, which is what other
 * backends' runs show up in.
 */
export class BuildEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open log stream.
    this.emitter.setMaxListeners(0);
  }

  /** New log lines or a change of state of the run. */
  changed(runId: string): void {
    this.emitter.emit(runId);
  }

  /** Resolves at the next change of the run, or after `timeoutMs`, or when `signal` aborts. */
  next(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(runId, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      timer = setTimeout(done, timeoutMs);
      this.emitter.on(runId, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
