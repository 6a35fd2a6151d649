import { LoggerService } from '@backstage/backend-plugin-api';

/** The metadata a LoggerService takes (JsonObject). */
type JsonObject = Parameters<LoggerService['child']>[0];

export type LogRecord = { level: string; message: string; meta: JsonObject };

/** A LoggerService whose children write to the same record, with their meta merged in. */
export class RecordingLogger implements LoggerService {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly base: JsonObject = {},
  ) {}

  private record(level: string, message: string, meta?: Error | JsonObject) {
    const extra: JsonObject =
      meta instanceof Error
        ? { error: meta.message }
        : ((meta ?? {}) as JsonObject);
    this.records.push({ level, message, meta: { ...this.base, ...extra } });
  }

  error(message: string, meta?: Error | JsonObject) {
    this.record('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.record('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.record('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.record('debug', message, meta);
  }
  child(meta: JsonObject): LoggerService {
    return new RecordingLogger(this.records, { ...this.base, ...meta });
  }

  /** The records at `level`, of the plugin `plugin` if given. */
  at(level: string, plugin?: string): LogRecord[] {
    return this.records.filter(
      r => r.level === level && (!plugin || r.meta.plugin === plugin),
    );
  }
}
