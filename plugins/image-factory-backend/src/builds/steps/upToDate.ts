import { BuildRunEnd, BuildRunRecord } from '../../database';

/**
 * The end of a run that has nothing to build: not forced, and its inputs hash
 * is the last successful run's. Undefined when the run must build.
 */
export function upToDate(
  record: Pick<BuildRunRecord, 'force'>,
  last: Pick<BuildRunRecord, 'id' | 'inputsHash' | 'indexDigest'> | undefined,
  hash: string,
): BuildRunEnd | undefined {
  if (record.force || !last || last.inputsHash !== hash) return undefined;
  return {
    status: 'skipped',
    reason: `up to date: inputs unchanged since run ${last.id}`,
    ...(last.indexDigest ? { indexDigest: last.indexDigest } : {}),
  };
}
