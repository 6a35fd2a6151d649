import type { BuildLogLine } from '@image-factory/plugin-image-factory-common';

/** How a line of output reads: plain, an error, a warning, or the factory's. */
export type LogLineKind = 'output' | 'error' | 'warning' | 'system';

/** One line of output, without its step number. */
export interface LogOutputLine {
  seq: number;
  /** Seconds since the step started, as BuildKit prints it (`1.204`). */
  at?: string;
  text: string;
  kind: LogLineKind;
}

/** A Dockerfile step (BuildKit's `#5 [build 2/3] RUN make`, or a classic `Step 3/5 : RUN make`). */
export interface LogStep {
  type: 'step';
  /** Unique within the log, for React. */
  key: string;
  /** `#5` or `Step 3/5`. */
  label: string;
  /** BuildKit's `build 2/3`, `internal`: where the step is, as it says. */
  stage?: string;
  /** The Dockerfile instruction (`RUN`), when the step is one. */
  instruction?: string;
  /** The rest of the header: `make`, or `load build definition from Dockerfile`. */
  detail: string;
  cached: boolean;
  /** As BuildKit prints it: `2.1s`. */
  duration?: string;
  error?: string;
  /** Whether the builder said how the step ended (cached, done or failed). */
  finished: boolean;
  output: LogOutputLine[];
}

/** Lines outside any step: the factory's own, a push, the builder's summary. */
export interface LogNote {
  type: 'note';
  key: string;
  lines: LogOutputLine[];
}

/** One platform's log (or the run's own lines, without a platform). */
export interface LogSection {
  platform?: string;
  entries: Array<LogStep | LogNote>;
}

const BUILDKIT_LINE = /^#(\d+) (.*)$/;
const BRACKETED = /^\[([^\]]+)\] (.*)$/;
const INSTRUCTION = /^([A-Z]+)(?: (.*))?$/;
const TIMED_OUTPUT = /^(\d+\.\d{3}) ?(.*)$/;
const DONE = /^DONE (\d+(?:\.\d+)?s)$/;
const CLASSIC_STEP = /^Step (\d+\/\d+) : (.*)$/;
const CLASSIC_CACHED = /^ ---> Using cache$/;
const CLASSIC_SUMMARY = /^Successfully (built|tagged) /;
const ERROR_TEXT = /^(ERROR\b|error:)/i;
// A new attempt of a platform's build numbers its BuildKit steps from 1 again.
const BUILD_STARTS = /^Building \S+ with /;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The instruction and its arguments, when the header names one. */
function splitInstruction(header: string) {
  const m = INSTRUCTION.exec(header);
  return m
    ? { instruction: m[1], detail: m[2] ?? '' }
    : { instruction: undefined, detail: header };
}

function textKind(text: string): LogLineKind {
  return ERROR_TEXT.test(text) ? 'error' : 'output';
}

/** What is known of one platform while its lines are read. */
class SectionReader {
  readonly section: LogSection;
  private steps = new Map<string, LogStep>();
  private classic?: LogStep;
  private attempt = 0;

  constructor(platform: string | undefined, private readonly id: string) {
    this.section = { platform, entries: [] };
  }

  read(line: BuildLogLine) {
    const text = line.text.replace(ANSI, '');
    // The executor's own first line of a platform's build (`build` stream).
    if (BUILD_STARTS.test(text)) this.newAttempt();
    if (line.stream === 'system' || BUILD_STARTS.test(text)) {
      this.note(line.seq, text, 'system');
      return;
    }
    if (line.stream === 'build') {
      const buildKit = BUILDKIT_LINE.exec(text);
      if (buildKit) {
        this.buildKit(line.seq, buildKit[1], buildKit[2]);
        return;
      }
      const classic = CLASSIC_STEP.exec(text);
      if (classic) {
        this.classic = this.step(`Step ${classic[1]}`, undefined, classic[2]);
        return;
      }
      if (this.classic) {
        this.classicLine(line.seq, text);
        return;
      }
    }
    this.note(line.seq, text, textKind(text));
  }

  private newAttempt() {
    this.steps = new Map();
    this.classic = undefined;
    this.attempt += 1;
  }

  private buildKit(seq: number, number: string, rest: string) {
    const step = this.steps.get(number);
    if (!step) {
      const bracketed = BRACKETED.exec(rest);
      const created = this.step(
        `#${number}`,
        bracketed?.[1],
        bracketed ? bracketed[2] : rest,
      );
      this.steps.set(number, created);
      return;
    }
    if (rest === 'CACHED') {
      step.cached = true;
      step.finished = true;
      return;
    }
    const done = DONE.exec(rest);
    if (done) {
      step.duration = done[1];
      step.finished = true;
      return;
    }
    if (rest.startsWith('ERROR: ')) {
      step.error = rest.slice('ERROR: '.length);
      step.finished = true;
      return;
    }
    if (rest.startsWith('WARNING: ')) {
      step.output.push({ seq, text: rest, kind: 'warning' });
      return;
    }
    const timed = TIMED_OUTPUT.exec(rest);
    step.output.push(
      timed
        ? { seq, at: timed[1], text: timed[2], kind: textKind(timed[2]) }
        : { seq, text: rest, kind: textKind(rest) },
    );
  }

  private classicLine(seq: number, text: string) {
    const step = this.classic!;
    if (CLASSIC_CACHED.test(text)) {
      step.cached = true;
      return;
    }
    if (CLASSIC_SUMMARY.test(text)) {
      this.classic = undefined;
      this.note(seq, text, 'output');
      return;
    }
    if (text.startsWith('ERROR: ')) {
      step.error = text.slice('ERROR: '.length);
      step.finished = true;
      return;
    }
    step.output.push({ seq, text, kind: textKind(text) });
  }

  private step(label: string, stage: string | undefined, header: string) {
    // A classic step ends where the next one starts.
    if (this.classic) this.classic.finished = true;
    this.classic = undefined;
    const step: LogStep = {
      type: 'step',
      key: `${this.id}/${this.attempt}/${label}`,
      label,
      stage,
      ...splitInstruction(header),
      cached: false,
      finished: false,
      output: [],
    };
    this.section.entries.push(step);
    return step;
  }

  private note(seq: number, text: string, kind: LogLineKind) {
    const last = this.section.entries[this.section.entries.length - 1];
    const line = { seq, text, kind };
    if (last?.type === 'note') {
      last.lines.push(line);
    } else {
      this.section.entries.push({
        type: 'note',
        key: `${this.id}/note/${seq}`,
        lines: [line],
      });
    }
  }
}

/**
 * Reads a run's log into one section per platform (the run's own lines
 * first), each a list of Dockerfile steps with their output, whether they came
 * from the cache, how long they took and how they failed, and the lines
 * between them. Reads BuildKit's plain progress (`#5 [build 2/3] RUN make`,
 * `#5 1.204 …`, `#5 CACHED`, `#5 DONE 2.1s`, `#5 ERROR: …`; steps of
 * parallel stages interleave) and the classic builder's (`Step 3/5 : RUN
 * make`, ` ---> Using cache`). Lines are read as they arrive, so a live log
 * is not read again from its start for each new line.
 */
export class BuildLogReader {
  private readonly readers = new Map<string, SectionReader>();
  /** How many lines were read. */
  count = 0;

  read(line: BuildLogLine): void {
    const id = line.platform ?? '';
    let reader = this.readers.get(id);
    if (!reader) {
      reader = new SectionReader(line.platform, id);
      this.readers.set(id, reader);
    }
    reader.read(line);
    this.count += 1;
  }

  /** The sections so far: the run's own lines first, then each platform. */
  sections(): LogSection[] {
    const sections = [...this.readers.values()].map(r => r.section);
    return [
      ...sections.filter(s => s.platform === undefined),
      ...sections.filter(s => s.platform !== undefined),
    ];
  }
}

/** A whole log's sections; see {@link BuildLogReader}. */
export function parseBuildKitLog(lines: BuildLogLine[]): LogSection[] {
  const reader = new BuildLogReader();
  lines.forEach(line => reader.read(line));
  return reader.sections();
}

/** How many steps a section has, came from the cache and failed. */
export function stepCounts(section: LogSection) {
  const steps = section.entries.filter((e): e is LogStep => e.type === 'step');
  return {
    steps: steps.length,
    cached: steps.filter(s => s.cached).length,
    failed: steps.filter(s => s.error !== undefined).length,
  };
}
