import {
  BuildInputs,
  BuildPlatformResult,
} from '@image-factory/plugin-image-factory-common';
import { LeaseLostError } from '../runContext';
import { ActiveRun, referenceOf } from './activeRun';

/**
 * Records what the run builds from, under the run's lease; throws
 * {@link LeaseLostError} when another backend owns the run now.
 */
export async function recordInputs(
  run: ActiveRun,
  inputs: BuildInputs,
  hash: string,
): Promise<void> {
  const saved = await run.deps.store.setInputs({
    id: run.record.id,
    owner: run.ctx.owner,
    inputs,
    inputsHash: hash,
    reference: referenceOf(run.image),
  });
  if (!saved) throw new LeaseLostError('The lease on the run was lost');
  run.deps.onChange(run.record.id);
}

/** Records one platform's state and tells the run's watchers. */
export async function recordPlatform(
  run: ActiveRun,
  result: BuildPlatformResult,
): Promise<void> {
  await run.deps.store.setPlatform(run.record.id, result);
  run.deps.onChange(run.record.id);
}
