import {
  SchedulerService,
  SchedulerServiceTaskRunner,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/**
 * The task runner of a provider: the one given, else one on `schedule` (the
 * images schedule) from the scheduler; throws naming the provider without
 * either.
 */
export function taskRunnerFor(
  provider: string,
  schedule: SchedulerServiceTaskScheduleDefinition,
  deps: { scheduler?: SchedulerService; schedule?: SchedulerServiceTaskRunner },
): SchedulerServiceTaskRunner {
  const taskRunner =
    deps.schedule ?? deps.scheduler?.createScheduledTaskRunner(schedule);
  if (!taskRunner) {
    throw new Error(`${provider} needs either a scheduler or a schedule`);
  }
  return taskRunner;
}
