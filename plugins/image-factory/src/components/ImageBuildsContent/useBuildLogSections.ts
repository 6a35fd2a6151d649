import { useMemo, useRef } from 'react';
import type { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { BuildLogReader, LogSection } from './parseBuildKitLog';

/**
 * The log's sections, reading only the lines added since the last render
 * while the lines are the same list grown at its end (a live log), and the
 * whole list again otherwise (another run).
 */
export function useBuildLogSections(lines: BuildLogLine[]): LogSection[] {
  const state = useRef<{ reader: BuildLogReader; last?: BuildLogLine }>();
  return useMemo(() => {
    let current = state.current;
    if (
      !current ||
      current.reader.count > lines.length ||
      (current.reader.count > 0 &&
        lines[current.reader.count - 1] !== current.last)
    ) {
      current = { reader: new BuildLogReader() };
      state.current = current;
    }
    for (const line of lines.slice(current.reader.count)) {
      current.reader.read(line);
    }
    current.last = lines[lines.length - 1];
    return current.reader.sections();
  }, [lines]);
}
