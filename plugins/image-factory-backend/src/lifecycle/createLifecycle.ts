import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import {
  AuditEvent,
  BuildRun,
  ImageEntityV1alpha1,
  LIFECYCLE_SIGNAL_CHANNEL,
  LifecycleSignal,
} from '@image-factory/plugin-image-factory-common';
import { SignalsService } from '@backstage/plugin-signals-node';
import { Knex } from 'knex';
import { DigestStore, StageStore } from '../database';
import { OciRegistryClient } from '../registry';
import { StageEnteredListener, StageVerifier } from './gates';
import { LifecycleService } from './LifecycleService';
import { lifecycleOverview } from './lifecycleOverview';
import { LifecycleConfig } from './readLifecycleConfig';

/**
 * The lifecycle of stages, wired: the service, the overview, a periodic
 * pass over `auto` stages (versions whose soak ended), and the signal that
 * tells browsers a stage changed.
 */
export async function createLifecycle(options: {
  client: Knex;
  config: LifecycleConfig;
  registry: () => OciRegistryClient;
  runs: (imageName: string) => Promise<BuildRun[]>;
  images: () => ImageEntityV1alpha1[];
  digests: DigestStore;
  scheduler: SchedulerService;
  signals?: SignalsService;
  audit: (event: AuditEvent) => Promise<void>;
  verifier?: StageVerifier;
  onStageEntered?: StageEnteredListener;
  logger: LoggerService;
}) {
  const { logger } = options;
  const store = StageStore.create({ client: options.client });
  const service = new LifecycleService({
    store,
    registry: options.registry,
    runs: options.runs,
    logger,
    audit: options.audit,
    verifier: options.verifier,
    onStageEntered: options.onStageEntered,
    onChange: imageName => {
      const message: LifecycleSignal = { imageName };
      void options.signals
        ?.publish({
          recipients: { type: 'broadcast' },
          channel: LIFECYCLE_SIGNAL_CHANNEL,
          message,
        })
        .catch(e => logger.warn(`Lifecycle signal not sent: ${e}`));
    },
  });

  const reconcileAll = async () => {
    for (const image of options.images()) {
      try {
        await service.reconcile(image);
      } catch (e) {
        assertError(e);
        logger.warn(`Auto-promotion of ${image.metadata.name}: ${e.message}`);
      }
    }
  };
  await options.scheduler.scheduleTask({
    id: 'image-factory:lifecycle-auto-promotions',
    frequency: { milliseconds: options.config.reconcileIntervalMs },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 10 },
    fn: reconcileAll,
  });

  const overview = async (images: ImageEntityV1alpha1[]) => ({
    items: await lifecycleOverview(
      images,
      {
        states: names => store.statesOf(names),
        waiting: () => store.waiting(),
        runs: options.runs,
        currentBase: async reference => {
          const current = await options.digests.getCurrent(reference);
          return (
            current && {
              digest: current.digest.digest,
              since: current.digest.firstSeenAt,
            }
          );
        },
      },
      { staleAfterMs: options.config.staleAfterMs, now: new Date() },
    ),
    staleAfter: options.config.staleAfter,
  });

  return { service, overview, store, reconcileAll };
}
