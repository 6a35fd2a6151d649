import { DockerfileParser } from 'dockerfile-ast';
import { BuildFailureLocation } from './errors';
import { EngineMessage } from './readProgress';

const STEP_HEADER = /^Step (\d+)\/\d+ : /;
const PARSE_ERROR_LINE = /\bline (\d+)\b/;

/**
 * Turns engine messages into log lines: `stream` text split into whole lines,
 * and `status` messages once per layer and state (a push repeats
 * `Pushing` with a progress bar many times a second).
 */
export class ProgressLog {
  private partial = '';
  private readonly lastStatus = new Map<string, string>();

  constructor(
    private readonly emit: (line: string) => void,
    private readonly onLine?: (line: string) => void,
  ) {}

  handle(message: EngineMessage): void {
    if (typeof message.stream === 'string') {
      const lines = (this.partial + message.stream).split('\n');
      this.partial = lines.pop() ?? '';
      lines.forEach(line => this.line(line));
    }
    if (typeof message.status === 'string') {
      const key = message.id ?? '';
      if (this.lastStatus.get(key) !== message.status) {
        this.lastStatus.set(key, message.status);
        this.line(
          message.id ? `${message.id}: ${message.status}` : message.status,
        );
      }
    }
    const error = message.errorDetail?.message ?? message.error;
    if (error) this.line(`ERROR: ${error}`);
  }

  /** Emits what is left of an unterminated line. */
  flush(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  private line(raw: string) {
    const line = raw.replace(/\r$/, '');
    this.onLine?.(line);
    this.emit(line);
  }
}

/**
 * Follows the classic builder's `Step N/M : INSTRUCTION` headers and maps the
 * current step to its line in the Dockerfile: the builder numbers every
 * instruction in file order (the ARGs before the first FROM included), which
 * is the order the parser lists them in.
 */
export class StepTracker {
  private readonly instructionLines: number[];
  private readonly lines: string[];
  private current?: { step: string; stepNumber: number };

  constructor(dockerfileText: string) {
    this.instructionLines = DockerfileParser.parse(dockerfileText)
      .getInstructions()
      .map(instruction => instruction.getRange().start.line + 1);
    this.lines = dockerfileText.split(/\r?\n/);
  }

  see(line: string): void {
    const match = STEP_HEADER.exec(line);
    if (match) this.current = { step: line, stepNumber: Number(match[1]) };
  }

  /** Where the build is; for a parse error, the line the engine's message names. */
  location(engineMessage?: string): BuildFailureLocation {
    if (!this.current) {
      const parseLine = engineMessage?.match(/parse error/i)
        ? PARSE_ERROR_LINE.exec(engineMessage)
        : null;
      if (!parseLine) return {};
      const line = Number(parseLine[1]);
      return { line, instruction: this.lines[line - 1]?.trim() };
    }
    const line = this.instructionLines[this.current.stepNumber - 1];
    return {
      step: this.current.step,
      stepNumber: this.current.stepNumber,
      line,
      instruction: this.current.step.replace(STEP_HEADER, ''),
    };
  }
}
