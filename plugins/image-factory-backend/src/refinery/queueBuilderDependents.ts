import { LoggerService } from '@backstage/backend-plugin-api';
import type { WheelSet } from '@image-factory/plugin-image-factory-common';
import type { RefineryQueue } from './queue/createRefineryQueue';

/**
 * After the factory built an image, queues a run of every wheel set whose
 * builder it is: the new builder changes the builds' keys, so the set's
 * wheels are built in it (a run whose builder did not change for a
 * platform builds nothing there). Answers the sets queued.
 */
export async function queueBuilderDependents(options: {
  imageName: string;
  /** The Image entity, recorded as who asked for the runs. */
  entityRef: string;
  sets: () => Promise<WheelSet[]>;
  queue: Pick<RefineryQueue, 'request'>;
  logger: LoggerService;
}): Promise<string[]> {
  const dependents = (await options.sets()).filter(
    s => s.builder === options.imageName,
  );
  for (const set of dependents) {
    const run = await options.queue.request(set, options.entityRef);
    options.logger.info(
      `Wheel set ${set.name} queued (run ${run.id}): its builder image ${options.imageName} was built`,
    );
  }
  return dependents.map(s => s.name);
}
