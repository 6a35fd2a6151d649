/**
 * Why a wheel build failed, read from its log: what a person would look
 * for first. `transient` failures (network, timeout) are worth a retry as
 * they are; the others fail again until an input changes (a hint, the
 * builder, the source).
 */
export type BuildFailureCause =
  | 'missing-header'
  | 'missing-library'
  | 'missing-build-dependency'
  | 'compiler-error'
  | 'out-of-memory'
  | 'timeout'
  | 'network'
  | 'import-check'
  | 'wheel-check'
  | 'unknown';

/** A classified failure: its cause, what is missing (a header, a library, a module) and a sentence for people. */
export interface BuildFailure {
  cause: BuildFailureCause;
  /** `ffi.h`, `ssl`, `Cython`: what the cause is about. */
  missing?: string;
  transient: boolean;
  message: string;
}

const HEADER = /fatal error: ([\w./+-]+\.h(?:pp)?): No such file or directory/;
const LIBRARY = /\/ld(?:\.\w+)?: cannot find -l([\w.+-]+)/;
const MODULE = /ModuleNotFoundError: No module named '([\w.]+)'/;
const OOM =
  /(?:Killed signal terminated program|virtual memory exhausted|Cannot allocate memory|MemoryError)/;
const NETWORK =
  /(?:Temporary failure in name resolution|Could not resolve host|Network is unreachable|Connection refused|Failed to fetch|Read timed out|No matching distribution found for)/;
const COMPILER =
  /(?:error: command '[^']*(?:gcc|g\+\+|cc|c\+\+|clang)[^']*' failed|: error: )/;

/**
 * Classifies a failed build from its log lines, its exit code and whether
 * it was killed for its time. The first matching cause wins, in the order
 * of what explains the most: a missing header explains the compiler error
 * that follows it.
 */
export function classifyBuildFailure(
  lines: string[],
  outcome: { exitCode: number; timedOut: boolean },
): BuildFailure {
  if (outcome.timedOut) {
    return {
      cause: 'timeout',
      transient: true,
      message: 'The build ran past its timeout and was stopped',
    };
  }
  const text = lines.join('\n');
  let m = HEADER.exec(text);
  if (m) {
    return {
      cause: 'missing-header',
      missing: m[1],
      transient: false,
      message: `Missing system header ${m[1]}: the builder lacks the package that provides it`,
    };
  }
  m = LIBRARY.exec(text);
  if (m) {
    return {
      cause: 'missing-library',
      missing: m[1],
      transient: false,
      message: `Missing library -l${m[1]}: the builder lacks its development package`,
    };
  }
  m = MODULE.exec(text);
  if (m) {
    return {
      cause: 'missing-build-dependency',
      missing: m[1].split('.')[0],
      transient: false,
      message: `Missing build dependency: the Python module ${m[1]} is not in the builder`,
    };
  }
  if (OOM.test(text) || outcome.exitCode === 137) {
    return {
      cause: 'out-of-memory',
      transient: false,
      message:
        'The build ran out of memory (the compiler or the container was killed)',
    };
  }
  m = NETWORK.exec(text);
  if (m) {
    return {
      cause: 'network',
      transient: true,
      message: `A download failed: ${m[0]}`,
    };
  }
  if (COMPILER.test(text)) {
    const line = lines.find(l => /: error: /.test(l));
    return {
      cause: 'compiler-error',
      transient: false,
      message: line
        ? `The compiler failed: ${line.trim()}`
        : 'The compiler failed',
    };
  }
  return {
    cause: 'unknown',
    transient: false,
    message: `The build failed with exit code ${outcome.exitCode}`,
  };
}
