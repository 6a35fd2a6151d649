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
import { EventsService } from '@backstage/plugin-events-node';
import {
  STAGE_CHANGED_TOPIC,
  StageChangedEvent,
} from '@image-factory/plugin-image-factory-node';
import { Knex } from 'knex';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { LifecycleMetrics } from './LifecycleMetrics';
import { DigestStore, StageStore, storedReferenceKey } from '../database';
import { OciRegistryClient } from '../registry';
import { ExecutorPool, RegistryCredentialSource } from '../builds';
import { createStageUpdater, OctokitSource } from './updates';
import { randomUUID } from 'crypto';
import { createStageVerifier, toApiVerification } from './verification';
import { LifecycleService } from './LifecycleService';
import { AutoPromotionScope } from './AutoPromotionScope';
import { LifecycleOverviewCache } from './LifecycleOverviewCache';
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
  /** The runs of many images in one read (the overview of every image). */
  runsOf?: (imageNames: string[]) => Promise<Map<string, BuildRun[]>>;
  /** What the auto-promotion pass asks the ledger, so that it follows the change. */
  ledger: {
    /** Names of the images with a run created or ended at or after `since`. */
    runsChangedSince(since: Date): Promise<string[]>;
    /** Which of these images have a succeeded run. */
    withSucceededRun(imageNames: string[]): Promise<Set<string>>;
    /** Changes whenever a run is created or ends (the overview's cache). */
    runsStamp(): Promise<string>;
  };
  images: () => ImageEntityV1alpha1[];
  digests: DigestStore;
  scheduler: SchedulerService;
  signals?: SignalsService;
  events?: EventsService;
  audit: (event: AuditEvent) => Promise<void>;
  /** Where verification checks run, with the credentials to pull. */
  verification?: {
    executors: ExecutorPool;
    credentials: RegistryCredentialSource;
  };
  /** GitHub for the update pull requests; without it, stages update no repository. */
  octokit?: OctokitSource;
  metrics?: MetricsService;
  logger: LoggerService;
}) {
  const { logger } = options;
  const store = StageStore.create({ client: options.client });
  const metrics = options.metrics && new LifecycleMetrics(options.metrics);
  const verifier =
    options.verification &&
    createStageVerifier({
      client: options.client,
      executors: options.verification.executors,
      credentials: options.verification.credentials,
      logger: logger.child({ component: 'verification' }),
      onFinished: (stage, passed, ms) =>
        metrics?.verificationEnded(stage, passed, ms),
    });
  const signal = (imageName: string) => {
    const message: LifecycleSignal = { imageName };
    void options.signals
      ?.publish({
        recipients: { type: 'broadcast' },
        channel: LIFECYCLE_SIGNAL_CHANNEL,
        message,
      })
      .catch(e => logger.warn(`Lifecycle signal not sent: ${e}`));
  };
  const updater =
    options.octokit &&
    createStageUpdater({
      client: options.client,
      octokit: options.octokit,
      runs: options.runs,
      audit: event =>
        options.audit({
          ...event,
          id: randomUUID(),
          at: new Date().toISOString(),
        }),
      onChange: signal,
      logger: logger.child({ component: 'stage-updates' }),
    });
  const service = new LifecycleService({
    store,
    registry: options.registry,
    runs: options.runs,
    logger,
    audit: options.audit,
    verifier,
    verifications: verifier
      ? async name =>
          (await verifier.store.list(name, 20)).map(toApiVerification)
      : undefined,
    onStageEntered: async event => {
      const changed: StageChangedEvent = {
        imageName: event.image.metadata.name,
        stage: event.stage.name,
        digest: event.digest,
      };
      await options.events
        ?.publish({ topic: STAGE_CHANGED_TOPIC, eventPayload: changed })
        .catch(e => logger.warn(`Stage change not announced: ${e}`));
      await updater?.onStageEntered(event);
    },
    updateRequests: updater?.list,
    onMoveEnded: (move, run) => metrics?.moveEnded(move, run),
    onChange: signal,
  });

  const promotionScope = new AutoPromotionScope({
    runsChangedSince: options.ledger.runsChangedSince,
    stagesChangedSince: since => store.changedSince(since),
    withHistory: async names => {
      const [runs, states] = await Promise.all([
        options.ledger.withSucceededRun(names),
        store.withStates(names),
      ]);
      return new Set([...runs, ...states]);
    },
  });
  const reconcileAll = async () => {
    // Verifications of a replica that stopped (lease expired) run again here.
    const interrupted = new Set((await verifier?.recover()) ?? []);
    if (interrupted.size > 0) {
      await service.recover(options.images(), interrupted);
    }
    for (const image of await promotionScope.select(
      options.images(),
      new Date(),
    )) {
      try {
        await service.reconcile(image);
      } catch (e) {
        assertError(e);
        promotionScope.failed(image.metadata.name);
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

  if (updater) {
    await options.scheduler.scheduleTask({
      id: 'image-factory:lifecycle-update-requests',
      frequency: { milliseconds: options.config.followIntervalMs },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 30 },
      fn: updater.follow,
    });
  }

  const overviews = new LifecycleOverviewCache({
    images: options.images,
    sources: {
      states: names => store.statesOf(names),
      waiting: () => store.waiting(),
      runs: options.runs,
      runsOf: options.runsOf,
      currentBases: async references => {
        // Found under each reference's stored key, asked as spelled.
        const found = await options.digests.getCurrentOf(references);
        const current = new Map<string, { digest: string; since: Date }>();
        for (const reference of references) {
          const digests = found.get(storedReferenceKey(reference));
          if (digests) {
            current.set(reference, {
              digest: digests.digest.digest,
              since: digests.digest.firstSeenAt,
            });
          }
        }
        return current;
      },
    },
    stamp: async () =>
      (
        await Promise.all([store.overviewStamp(), options.ledger.runsStamp()])
      ).join('|'),
    staleAfterMs: options.config.staleAfterMs,
  });
  const overview = async (images: ImageEntityV1alpha1[]) => ({
    ...(await overviews.overview(images)),
    staleAfter: options.config.staleAfter,
  });

  /**
   * After a restart: verifications a stopped backend left running are
   * failed, then moves are finished and awaited checks run again.
   */
  const recover = async (images: ImageEntityV1alpha1[]) => {
    await verifier?.recover();
    await service.recover(images);
  };

  return {
    service,
    overview,
    store,
    verifier,
    updater,
    recover,
    reconcileAll,
  };
}
