import { BuildLog } from './BuildLog';

/** What one run needs from the worker that claimed it. */
export interface BuildRunContext {
  /** The lease owner, for every write. */
  owner: string;
  /** Aborts on cancel, shutdown or a lost lease. */
  signal: AbortSignal;
  log: BuildLog;
  /** Secrets fetched during the run, which the log removes. */
  secrets: Set<string>;
}

/** The lease was lost: another backend owns the run now, so this one stops writing. */
export class LeaseLostError extends Error {
  name = 'LeaseLostError';
}
