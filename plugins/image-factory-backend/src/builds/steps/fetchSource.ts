import { withRetries } from '../retry';
import {
  FetchedSource,
  SourceFetcher,
  UnchangedSource,
} from '../SourceFetcher';
import { ActiveRun, retryOptions } from './activeRun';

/**
 * Step 1: the source at the branch's head, into `dir`. With `knownRevision`
 * and a branch still at it, only the Dockerfile is read (nothing on disk).
 * Transient failures are retried.
 */
export function fetchSource(
  run: ActiveRun,
  sources: SourceFetcher,
  dir: string,
  knownRevision?: string,
): Promise<FetchedSource | UnchangedSource> {
  const { signal } = run.ctx;
  return withRetries(
    () => sources.fetch(run.image, dir, signal, knownRevision),
    retryOptions(run, 'Fetching the source', signal),
  );
}
