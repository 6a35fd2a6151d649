import { StageCheckResult } from '../../database';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What one result says, for the log: `Check smoke on linux/s390x failed: exit code 3 after 1.2 s`. */
export function describeResult(result: StageCheckResult): string {
  const head = `Check ${result.check} on ${result.platform}`;
  switch (result.status) {
    case 'passed':
      return `${head} passed in ${seconds(result.durationMs)}`;
    case 'failed':
      return `${head} failed: exit code ${result.exitCode} after ${seconds(
        result.durationMs,
      )}`;
    case 'timedOut':
      return `${head} timed out after ${seconds(
        result.durationMs,
      )}; the container was killed`;
    default:
      return `${head} could not run: ${result.error}`;
  }
}

/** Short form of a result that did not pass, for a summary. */
function shortly(result: StageCheckResult): string {
  const head = `${result.check} on ${result.platform}`;
  switch (result.status) {
    case 'failed':
      return `${head} exited ${result.exitCode}`;
    case 'timedOut':
      return `${head} timed out`;
    default:
      return `${head} could not run (${result.error})`;
  }
}

/**
 * Whether every check passed, and one line saying so or naming what did
 * not pass (`smoke on linux/s390x exited 3; e2e on linux/amd64 timed out`).
 */
export function summarize(results: StageCheckResult[]): {
  passed: boolean;
  results: StageCheckResult[];
  summary: string;
} {
  const notPassed = results.filter(r => r.status !== 'passed');
  if (results.length === 0) {
    return { passed: true, results, summary: 'No checks to run' };
  }
  if (notPassed.length === 0) {
    return {
      passed: true,
      results,
      summary: `Verification passed: ${results.length} of ${results.length} check runs passed`,
    };
  }
  return {
    passed: false,
    results,
    summary: `Verification failed: ${notPassed.map(shortly).join('; ')}`,
  };
}
