import { CustomErrorBase } from '@backstage/errors';

// Every error here carries `transient`, which the job queue reads to decide
// whether to retry. Messages name the engine, the tag or the step, never
// credentials: a failed job stores its error message, and the UI shows it.

/** The Docker engine could not be reached (socket missing, connection refused or reset). */
export class ExecutorUnreachableError extends CustomErrorBase {
  name = 'ExecutorUnreachableError' as const;
  readonly transient: boolean;

  constructor(message: string, cause?: unknown, transient = true) {
    super(message, cause);
    this.transient = transient;
  }
}

/** Where a build failed, as far as the engine's output tells. */
export interface BuildFailureLocation {
  /** The engine's step header, e.g. `Step 3/4 : RUN make`. */
  step?: string;
  /** 1-based number of the step. */
  stepNumber?: number;
  /** 1-based line of the failing instruction in the Dockerfile. */
  line?: number;
  /** The failing instruction as written in the Dockerfile. */
  instruction?: string;
}

/**
 * The engine could not build the image: a step failed, the Dockerfile is
 * invalid or a file is missing from the context. `transient` is true only when
 * the engine's message points at the network (a base image pull that timed out).
 */
export class BuildFailedError extends CustomErrorBase {
  name = 'BuildFailedError' as const;
  readonly transient: boolean;
  /** The engine's own message (`The command '/bin/sh -c make' returned a non-zero code: 2`). */
  readonly engineMessage: string;
  readonly step?: string;
  readonly stepNumber?: number;
  readonly line?: number;
  readonly instruction?: string;

  constructor(
    engineMessage: string,
    location: BuildFailureLocation = {},
    options: { transient?: boolean; cause?: unknown } = {},
  ) {
    const where = [
      location.line !== undefined ? `Dockerfile line ${location.line}` : '',
      location.step ?? '',
    ]
      .filter(Boolean)
      .join(', ');
    super(
      where
        ? `Build failed at ${where}: ${engineMessage}`
        : `Build failed: ${engineMessage}`,
      options.cause,
    );
    this.engineMessage = engineMessage;
    this.transient = options.transient ?? false;
    this.step = location.step;
    this.stepNumber = location.stepNumber;
    this.line = location.line;
    this.instruction = location.instruction;
  }
}

/** The build request cannot be built as given (no such context directory, Dockerfile outside it, bad platform). */
export class BuildRequestError extends CustomErrorBase {
  name = 'BuildRequestError' as const;
  readonly transient: boolean = false;
}

/** The engine refused or failed a push for a reason other than auth or network (no such image, manifest rejected). */
export class PushFailedError extends CustomErrorBase {
  name = 'PushFailedError' as const;
  readonly transient: boolean;

  constructor(message: string, cause?: unknown, transient = false) {
    super(message, cause);
    this.transient = transient;
  }
}

/** A build, push or pull took longer than its `timeoutMs`; the engine was told to stop. */
export class ExecutorTimeoutError extends CustomErrorBase {
  name = 'ExecutorTimeoutError' as const;
  readonly transient: boolean = true;
  readonly operation: 'build' | 'push' | 'run';
  readonly timeoutMs: number;

  constructor(operation: 'build' | 'push' | 'run', timeoutMs: number) {
    super(`The ${operation} did not finish within ${timeoutMs} ms`);
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `signal` aborted a build, push or container run. */
export class ExecutorCancelledError extends CustomErrorBase {
  name = 'ExecutorCancelledError' as const;
  readonly transient: boolean = false;
  readonly operation: 'build' | 'push' | 'run';

  constructor(operation: 'build' | 'push' | 'run') {
    super(`The ${operation} was cancelled`);
    this.operation = operation;
  }
}

/**
 * The image of a container run cannot be pulled (no such image or platform,
 * credentials refused, registry unreachable); `transient` when the network
 * is to blame.
 */
export class ImagePullError extends CustomErrorBase {
  name = 'ImagePullError' as const;
  readonly transient: boolean;
  /** The reference that could not be pulled. */
  readonly image: string;

  constructor(
    image: string,
    message: string,
    options: { cause?: unknown; transient?: boolean } = {},
  ) {
    super(message, options.cause);
    this.image = image;
    this.transient = options.transient ?? false;
  }
}

/** Any other answer of the engine (an unexpected HTTP status or stream). */
export class ExecutorError extends CustomErrorBase {
  name = 'ExecutorError' as const;
  readonly transient: boolean;
  /** The engine's HTTP status, when it answered with one. */
  readonly statusCode?: number;

  constructor(
    message: string,
    options: { cause?: unknown; statusCode?: number; transient?: boolean } = {},
  ) {
    super(message, options.cause);
    this.statusCode = options.statusCode;
    this.transient = options.transient ?? (options.statusCode ?? 500) >= 500;
  }
}
