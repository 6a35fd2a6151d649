import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { ImagesStore } from '../database';
import { triggerUnlessRunning } from '../triggerUnlessRunning';
import { IMAGES_FILE_TASK } from './ImagesFileWatcher';

/** How often a replica looks for another one's read of a new images.yaml. */
export const FOLLOW_INTERVAL_SECONDS = 5;

/**
 * A merge webhook reaches one replica, which reads the new images.yaml at
 * once and records its images; the others would see it only at their next
 * scheduled read (a minute by default, or an hour). Each replica looks at
 * the images table's stamp every few seconds instead, and reads the file
 * as soon as it moved. Its own writes move it too: that costs one read of
 * an unchanged file (not parsed again).
 */
export async function followImagesFileWrites(options: {
  scheduler: SchedulerService;
  store: Pick<ImagesStore, 'stamp'>;
  logger: LoggerService;
}): Promise<void> {
  const { scheduler, store, logger } = options;
  let seen: string | undefined;
  await scheduler.scheduleTask({
    id: 'image-factory:images-file-follow',
    scope: 'local',
    frequency: { seconds: FOLLOW_INTERVAL_SECONDS },
    timeout: { seconds: 30 },
    fn: async () => {
      const stamp = await store.stamp();
      if (seen !== undefined && stamp !== seen) {
        logger.debug('images.yaml was read anew by a backend; reading it', {
          stamp,
        });
        await triggerUnlessRunning(scheduler, IMAGES_FILE_TASK);
      }
      seen = stamp;
    },
  });
}
