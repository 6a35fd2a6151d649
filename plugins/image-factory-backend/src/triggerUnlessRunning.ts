import { SchedulerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';

/**
 * Runs a scheduled task now; when it is running already (the scheduler's
 * ConflictError), does nothing: that run, or the next, sees what asked.
 */
export async function triggerUnlessRunning(
  scheduler: Pick<SchedulerService, 'triggerTask'>,
  id: string,
): Promise<void> {
  try {
    await scheduler.triggerTask(id);
  } catch (e) {
    assertError(e);
    if (e.name !== 'ConflictError') throw e;
  }
}
