import { LoggerService } from '@backstage/backend-plugin-api';

/** A logger that keeps every message and its metadata as one JSON line per call. */
export function captureLogger(
  lines: string[] = [],
  meta: Record<string, unknown> = {},
): LoggerService & { lines: string[] } {
  const write =
    (level: string) => (message: string, extra?: Error | unknown) => {
      lines.push(
        JSON.stringify({
          level,
          message,
          ...meta,
          extra:
            extra instanceof Error
              ? { name: extra.name, message: extra.message, stack: extra.stack }
              : extra,
        }),
      );
    };
  return {
    lines,
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: (fields: Record<string, unknown>) =>
      captureLogger(lines, { ...meta, ...fields }),
  };
}
