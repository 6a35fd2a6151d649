import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { parseRebuildSchedule } from '@image-factory/plugin-image-factory-common';
import { DEFAULT_CASCADE_MAX_DEPTH } from '../tracking';

/** The `imageFactory.rebuilds` config, read once at startup. */
export interface RebuildsConfig {
  /** Whether this backend runs the planner. */
  enabled: boolean;
  /** How often the planner runs. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** The longest a rebuild waits for its bases to go quiet, once eligible. */
  maxWaitMs: number;
  /** How many levels below a change a cascade reaches. */
  maxDepth: number;
  /** Whether first sights and config changes in images.yaml queue builds. */
  automaticBuilds: boolean;
  /** Interval of scheduled builds of images without `rebuild.schedule`; null: none. */
  defaultScheduleMs: number | null;
}

/** Default of `imageFactory.rebuilds.maxWait`: 30 minutes. */
export const DEFAULT_MAX_WAIT_MS = 30 * 60 * 1000;

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 5 },
};

/** Reads `imageFactory.rebuilds`; bad values stop startup, naming the key. */
export function readRebuildsConfig(config: Config): RebuildsConfig {
  const rebuilds = config.getOptionalConfig('imageFactory.rebuilds');
  const maxWaitMs = rebuilds?.has('maxWait')
    ? durationToMilliseconds(
        readDurationFromConfig(rebuilds, { key: 'maxWait' }),
      )
    : DEFAULT_MAX_WAIT_MS;
  if (!(maxWaitMs >= 0)) {
    throw new InputError('imageFactory.rebuilds.maxWait: must not be negative');
  }
  const maxDepth =
    rebuilds?.getOptionalNumber('maxDepth') ?? DEFAULT_CASCADE_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new InputError(
      `imageFactory.rebuilds.maxDepth: must be a whole number from 1, got ${maxDepth}`,
    );
  }
  const defaultSchedule = rebuilds?.getOptionalString('defaultSchedule');
  const defaultScheduleMs =
    defaultSchedule === undefined
      ? null
      : parseRebuildSchedule(defaultSchedule);
  if (defaultScheduleMs === undefined) {
    throw new InputError(
      `imageFactory.rebuilds.defaultSchedule: must be 'hourly', 'daily', 'weekly', 'off' or a duration of at least 1h such as '12h' or '7d', got '${defaultSchedule}'`,
    );
  }
  return {
    enabled: rebuilds?.getOptionalBoolean('enabled') ?? true,
    automaticBuilds: rebuilds?.getOptionalBoolean('automaticBuilds') ?? true,
    defaultScheduleMs,
    schedule: rebuilds?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          rebuilds.getConfig('schedule'),
        )
      : DEFAULT_SCHEDULE,
    maxWaitMs,
    maxDepth,
  };
}
