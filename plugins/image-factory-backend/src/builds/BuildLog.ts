import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { BuildLogStore } from '../database';

/** The longest line kept; engines print long progress lines. */
const MAX_LINE_CHARS = 4_000;
/** Lines kept per run; a runaway build log stops there. */
const MAX_LINES = 20_000;
const FLUSH_DELAY_MS = 200;
const FLUSH_LINES = 200;

/**
 * The log of one run: numbers the lines from where the run's log stands (a
 * retried run continues its log), removes secrets, and writes them to the
 * database in small batches, in order.
 */
export class BuildLog {
  private seq: number;
  private readonly firstSeq: number;
  private buffer: BuildLogLine[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private truncated = false;

  static async open(options: {
    runId: string;
    store: BuildLogStore;
    logger: LoggerService;
    redact: (text: string) => string;
    onWritten: () => void;
    clock: () => Date;
  }): Promise<BuildLog> {
    const last = await options.store.lastSeq(options.runId);
    return new BuildLog(options, last);
  }

  private constructor(
    private readonly options: {
      runId: string;
      store: BuildLogStore;
      logger: LoggerService;
      redact: (text: string) => string;
      onWritten: () => void;
      clock: () => Date;
    },
    lastSeq: number,
  ) {
    this.seq = lastSeq;
    this.firstSeq = lastSeq + 1;
  }

  /** A line of the factory itself. */
  system(text: string, platform?: string): void {
    this.add('system', text, platform);
  }

  /** A line of the engine's build output. */
  build(platform: string, text: string): void {
    this.add('build', text, platform);
  }

  /** A line of the engine's push progress. */
  push(platform: string, text: string): void {
    this.add('push', text, platform);
  }

  /** Writes what is buffered; resolves when it is in the database. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.buffer;
    this.buffer = [];
    if (lines.length > 0) {
      this.writing = this.writing.then(async () => {
        try {
          await this.options.store.append(this.options.runId, lines);
          this.options.onWritten();
        } catch (e) {
          assertError(e);
          this.options.logger.warn('Writing build log lines failed', {
            runId: this.options.runId,
            lines: lines.length,
            error: e.message,
          });
        }
      });
    }
    await this.writing;
  }

  private add(
    givenStream: BuildLogLine['stream'],
    givenText: string,
    givenPlatform?: string,
  ) {
    if (this.truncated) return;
    let stream = givenStream;
    let text = givenText;
    let platform = givenPlatform;
    if (this.seq - this.firstSeq + 1 >= MAX_LINES) {
      this.truncated = true;
      text = `The log is cut here: a run keeps at most ${MAX_LINES} lines`;
      stream = 'system';
      platform = undefined;
    }
    let clean = this.options.redact(text);
    if (clean.length > MAX_LINE_CHARS) {
      clean = `${clean.slice(0, MAX_LINE_CHARS)}…`;
    }
    this.buffer.push({
      seq: ++this.seq,
      ...(platform ? { platform } : {}),
      stream,
      time: this.options.clock().toISOString(),
      text: clean,
    });
    if (this.buffer.length >= FLUSH_LINES) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
    }
  }
}
