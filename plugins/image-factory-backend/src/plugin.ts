import { parseEntityRef } from '@backstage/catalog-model';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { ScmIntegrations } from '@backstage/integration';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  isImageOwnerRule,
  isStageRule,
  resolveStageResource,
  stageResourceRef,
} from './permissions/stageResource';
import {
  imageFactoryApprovePermission,
  imageFactoryPermissions,
  imageFactoryPromotePermission,
} from '@image-factory/plugin-image-factory-common';
import {
  BUILD_FINISHED_TOPIC,
  REFINERY_CHANGED_TOPIC,
  BuildFinishedEvent,
  IMAGES_FILE_CHANGED_TOPIC,
  ImagesFileChangedEvent,
  GRAPH_CHANGED_TOPIC,
  GraphChangedEvent,
  ImageFactoryCredentialProvider,
  ImageFactoryRegistryAdapter,
  ImageFactoryAnyExecutor,
  imageFactoryExecutorsExtensionPoint,
  imageFactoryRegistriesExtensionPoint,
  readImagesSourceConfig,
  readProvidersConfig,
} from '@image-factory/plugin-image-factory-node';
import {
  BuildArtifacts,
  BuildMetrics,
  createBuildEngine,
  readBuildsConfig,
  readCatalogEntitiesPerImage,
} from './builds';
import {
  DatabaseBuildArtifactStore,
  DatabaseDigestStore,
  DatabaseEnrollmentStore,
  DatabaseImageBasesStore,
  DatabaseImagesStore,
  DatabaseRegistryBudgetStore,
  isPostgres,
  migrateDatabase,
  SqliteReplicaGuard,
} from './database';
import { createLifecycle, readLifecycleConfig } from './lifecycle';
import { updatesOctokit } from './lifecycle/updates';
import {
  assertWheelSetBuildable,
  EnrollmentService,
  executorBuilders,
  executorPlatforms,
  GitHubConfigRepository,
  readEnrollmentConfig,
  SourceChecker,
} from './enrollment';
import {
  cyclesWith,
  ImageBasesResolver,
  ImageGraph,
  resolveCurrentImages,
} from './graph';
import { createRebuildPlanning, readRebuildsConfig } from './planning';
import Dockerode from 'dockerode';
import { ProviderHealthChecker } from './providers';
import { OciRegistryClient, readRegistriesConfig } from './registry';
import { createRouter, UNAUTHENTICATED_PATHS } from './service';
import {
  createRefineryQueue,
  FactoryBuilderImages,
  queueBuilderDependents,
  readWheelSets,
  DirectoryWheelBlobStore,
  readRefineryConfig,
  RefineryMetrics,
  RegistryWheelBlobStore,
  WheelFileStore,
  WheelPublisher,
} from './refinery';
import { followImagesFileWrites, ImagesFileWatcher } from './sources';
import { triggerUnlessRunning } from './triggerUnlessRunning';
import {
  BaseImageTracker,
  DigestWatcher,
  readTrackingConfig,
  RegistryBudgets,
  TrackingMetrics,
  trackingKey,
} from './tracking';
import {
  createDockerHubAdapter,
  createGhcrAdapter,
  createVersions,
  readVersionsConfig,
} from './versions';

/** Runs of an image the Versions view joins with its registry's versions. */
const VERSION_RUNS_LIMIT = 500;
/** Reads the Dockerfiles of images.yaml (on its schedule and at each new revision). */
const RESOLVE_BASES_TASK = 'image-factory:image-bases';
/** Runs looked at for a wheel set's builder image: its newest build per platform. */
const BUILDER_RUNS_LIMIT = 50;

/**
 * The Image Factory backend plugin.
 *
 * @public
 */
export const imageFactoryPlugin = createBackendPlugin({
  pluginId: 'image-factory',
  register(env) {
    const executors: ImageFactoryAnyExecutor[] = [];
    const credentialProviders: ImageFactoryCredentialProvider[] = [];
    const registryAdapters: ImageFactoryRegistryAdapter[] = [];
    env.registerExtensionPoint(imageFactoryExecutorsExtensionPoint, {
      addExecutor(...added) {
        for (const executor of added) {
          // Runs find their executor by id: a second one would never be used.
          if (executors.some(e => e.id === executor.id)) {
            throw new Error(
              `imageFactoryExecutorsExtensionPoint: an executor with id '${executor.id}' was already added; each module executor needs an id of its own`,
            );
          }
          executors.push(executor);
        }
      },
    });
    env.registerExtensionPoint(imageFactoryRegistriesExtensionPoint, {
      addCredentialProvider(...added) {
        credentialProviders.push(...added);
      },
      addRegistryAdapter(...added) {
        registryAdapters.push(...added);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        userInfo: coreServices.userInfo,
        events: eventsServiceRef,
        metrics: metricsServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, scheduler } = deps;
        // Bad config stops startup here, naming the key.
        const source = readImagesSourceConfig(config);
        const providers = readProvidersConfig(config);
        const trackingConfig = readTrackingConfig(config);
        const registriesConfig = readRegistriesConfig(config);
        const enrollmentConfig = readEnrollmentConfig(config);
        const buildsConfig = readBuildsConfig(config);
        const catalogEntitiesPerImage = readCatalogEntitiesPerImage(config);
        const versionsConfig = readVersionsConfig(config);
        const lifecycleConfig = readLifecycleConfig(config);
        const refineryConfig = readRefineryConfig(config);

        deps.permissionsRegistry.addPermissions(imageFactoryPermissions);
        const client = await migrateDatabase(database);
        // SQLite serves one backend: a second one on the same file is told.
        const replicaGuard = await SqliteReplicaGuard.start({ client, logger });
        if (replicaGuard) {
          deps.lifecycle.addShutdownHook(() => replicaGuard.stop());
        }
        const imagesStore = DatabaseImagesStore.create({ client });
        const imagesFile = new ImagesFileWatcher({
          location: source.location,
          providers,
          providerOwner: source.providerOwner,
          urlReader: deps.urlReader,
          store: imagesStore,
          logger: logger.child({ component: 'images-file' }),
          // The catalog module shows the new images at once, not at its next run.
          onNewRevision: async revision => {
            const eventPayload: ImagesFileChangedEvent = {
              reason: 'new-revision',
              revision,
            };
            await deps.events.publish({
              topic: IMAGES_FILE_CHANGED_TOPIC,
              eventPayload,
            });
          },
        });
        // Policies may decide per stage (IS_STAGE, IS_IMAGE_OWNER).
        deps.permissionsRegistry.addResourceType({
          resourceRef: stageResourceRef,
          permissions: [
            imageFactoryPromotePermission,
            imageFactoryApprovePermission,
          ],
          rules: [isStageRule, isImageOwnerRule],
          getResources: async refs =>
            refs.map(ref =>
              resolveStageResource(ref, name =>
                imagesFile.getImages().find(i => i.metadata.name === name),
              ),
            ),
        });
        // Every replica serves and plans from its own copy of the file, so
        // each reads it (unless the schedule names a scope); a replica that
        // waited for a global task's turn would serve stale images.
        await imagesFile.start(
          scheduler.createScheduledTaskRunner({
            ...source.schedule,
            scope: source.schedule.scope ?? 'local',
          }),
        );
        // And reads it again within seconds of another replica's new read
        // (SQLite serves one backend: nothing to follow).
        if (isPostgres(client)) {
          await followImagesFileWrites({
            scheduler,
            store: imagesStore,
            logger: logger.child({ component: 'images-file' }),
          });
        }

        // Dockerfiles are read again on the images.yaml schedule (each at most
        // once a minute); an unchanged one costs a 304 (ETag), and the
        // database answers after a restart.
        const resolver = new ImageBasesResolver({
          urlReader: deps.urlReader,
          providers,
          store: DatabaseImageBasesStore.create({ client }),
          logger: logger.child({ component: 'graph' }),
        });
        await scheduler.scheduleTask({
          id: RESOLVE_BASES_TASK,
          ...source.schedule,
          fn: async () => {
            await imagesFile.whenRead();
            const before = resolver.version();
            const summary = await resolveCurrentImages(resolver, imagesFile);
            // The catalog sends the images' dependsOn at once.
            if (resolver.version() !== before) {
              const eventPayload: GraphChangedEvent = {
                analyzed: summary.analyzed.length,
                failed: summary.failed.length,
              };
              await deps.events.publish({
                topic: GRAPH_CHANGED_TOPIC,
                eventPayload,
              });
            }
          },
        });
        // A new images.yaml has its Dockerfiles read at once, not at the
        // next scheduled pass: the catalog waits for their bases.
        await deps.events.subscribe({
          id: 'image-factory-image-bases',
          topics: [IMAGES_FILE_CHANGED_TOPIC],
          // Already running: it reads the new revision before it ends.
          onEvent: () => triggerUnlessRunning(scheduler, RESOLVE_BASES_TASK),
        });
        const digestStore = trackingConfig.enabled
          ? DatabaseDigestStore.create({ client })
          : undefined;
        const graph = new ImageGraph({
          images: () => imagesFile.getImages(),
          resolver,
          digests: digestStore,
        });

        // One budget per registry host, shared by digest checks and the
        // Versions view (which may spend only its upper half), and by every
        // replica: it is kept in the database.
        const budgets = RegistryBudgets.create({
          registries: trackingConfig.registries,
          store: DatabaseRegistryBudgetStore.create({ client }),
        });
        let tracking;
        if (trackingConfig.enabled && digestStore) {
          const store = digestStore;
          const trackingLogger = logger.child({ component: 'tracking' });
          const tracker = new BaseImageTracker({
            store,
            images: () => imagesFile.getImages(),
            bases: () => graph.baseUsage(),
            logger: trackingLogger,
            watcher: DigestWatcher.create({
              store,
              logger: trackingLogger,
              intervalMs: trackingConfig.intervalMs,
              budgets,
              metrics: TrackingMetrics.create({ metrics: deps.metrics }),
              registry: OciRegistryClient.create({
                requestTimeoutMs: registriesConfig.requestTimeoutMs,
                credentials: async host => {
                  const basic = trackingConfig.credentials.get(host);
                  return basic && { type: 'basic', ...basic };
                },
              }),
            }),
          });
          await scheduler.scheduleTask({
            id: 'image-factory:tracking',
            ...trackingConfig.schedule,
            // The task's signal aborts at its timeout or at shutdown; the
            // references not checked yet stay due for the next run.
            fn: async signal => {
              // Until images.yaml has been read there is nothing to watch.
              await imagesFile.whenRead();
              await resolver.load();
              await tracker.runOnce(signal);
            },
          });
          // A base the factory has just pushed is checked at once, not at
          // its next interval (its dependents' pages would say "not pushed").
          await deps.events.subscribe({
            id: 'image-factory-tracking-pushed',
            topics: [BUILD_FINISHED_TOPIC],
            onEvent: async ({ eventPayload }) => {
              const { imageName } = eventPayload as BuildFinishedEvent;
              const image = imagesFile
                .getImages()
                .find(i => i.metadata.name === imageName);
              const key = image && trackingKey(image.spec.reference);
              if (key) await tracker.markPushed([key]);
            },
          });
          tracking = {
            tracker,
            intervalMs: trackingConfig.intervalMs,
            notificationsToken: trackingConfig.notificationsToken,
          };
        }

        const artifactStore = DatabaseBuildArtifactStore.create({ client });
        const builds = createBuildEngine({
          config: buildsConfig,
          providers,
          moduleExecutors: executors,
          credentialProviders,
          client,
          urlReader: deps.urlReader,
          images: () => imagesFile.getImages(),
          logger: logger.child({ component: 'builds' }),
          metrics: BuildMetrics.create({
            metrics: deps.metrics,
            queueDepth: () => artifactStore.queueDepth(),
            logger,
          }),
          onRunFinished: async run => {
            if (run.status !== 'succeeded') return;
            const eventPayload: BuildFinishedEvent = {
              runId: run.id,
              imageName: run.imageName,
              entityRef: run.entityRef,
              indexDigest: run.indexDigest,
            };
            await deps.events.publish({
              topic: BUILD_FINISHED_TOPIC,
              eventPayload,
            });
          },
        });
        let enrollment;
        if (enrollmentConfig) {
          const enrollmentLogger = logger.child({ component: 'enrollment' });
          const sourceChecker = SourceChecker.create({
            urlReader: deps.urlReader,
            providers,
            integrations: ScmIntegrations.fromConfig(config),
            logger: enrollmentLogger,
            builders: () => executorBuilders(builds.executors),
          });
          const service = new EnrollmentService({
            repository: GitHubConfigRepository.create({
              config: enrollmentConfig,
              integrations: ScmIntegrations.fromConfig(config),
              logger: enrollmentLogger,
            }),
            store: DatabaseEnrollmentStore.create({ client }),
            logger: enrollmentLogger,
            labels: enrollmentConfig.labels,
            reviewers: enrollmentConfig.reviewers,
            allowAnyOwner: enrollmentConfig.allowAnyOwner,
            checks: {
              checkSource: entry => sourceChecker.check(entry),
              buildablePlatforms: () =>
                executorPlatforms(builds.executors, providers),
              findCycles: (candidate, bases) =>
                cyclesWith(candidate, imagesFile.getImages(), resolver, bases),
            },
            dependentsOf: async name => {
              const image = imagesFile
                .getImages()
                .find(i => i.metadata.name === name);
              if (!image) return [];
              const { graph: dependencies } = await graph.getGraph();
              return dependencies
                .dependentsOf(image.spec.reference)
                .map(ref => parseEntityRef(ref).name);
            },
            // Wheel sets are read from wheels.yaml on each request; the
            // catalog's Wheel entities follow the event.
            checkWheelSet: set =>
              assertWheelSetBuildable(
                set,
                refineryConfig.builders,
                imagesFile.getImages(),
              ),
            onMerged: async merged => {
              if (merged.subject === 'wheel-set') {
                await deps.events.publish({
                  topic: REFINERY_CHANGED_TOPIC,
                  eventPayload: { pullRequestUrl: merged.pullRequest.url },
                });
                return;
              }
              await imagesFile.refresh();
              const eventPayload: ImagesFileChangedEvent = {
                reason: 'pull-request-merged',
                pullRequestUrl: merged.pullRequest.url,
              };
              await deps.events.publish({
                topic: IMAGES_FILE_CHANGED_TOPIC,
                eventPayload,
              });
            },
          });
          await scheduler.scheduleTask({
            id: 'image-factory:enrollment-poll',
            ...enrollmentConfig.pollSchedule,
            fn: () => service.pollOpen(),
          });
          enrollment = {
            service,
            webhookSecret: enrollmentConfig.webhookSecret,
          };
        }

        const artifacts = new BuildArtifacts({
          store: artifactStore,
          images: () => imagesFile.getImages(),
          archived: async () =>
            new Set((await imagesStore.listArchived()).map(i => i.entityRef)),
          perImage: catalogEntitiesPerImage,
        });
        const providerHealth = new ProviderHealthChecker({
          providers,
          executors: builds.executors,
          registryCredentials: host => builds.credentials.get(host),
          integrations: ScmIntegrations.fromConfig(config),
          logger: logger.child({ component: 'providers' }),
        });
        if (buildsConfig.workerEnabled) {
          // Runs name their image; until images.yaml has been read there is none.
          void imagesFile.whenRead().then(() => builds.worker.start());
          deps.lifecycle.addShutdownHook(() => builds.worker.stop());
        }

        const rebuildsConfig = readRebuildsConfig(config);
        const rebuilds = createRebuildPlanning({
          config: rebuildsConfig,
          client,
          images: () => imagesFile.getImages(),
          graph,
          queue: builds.service,
          // Read on the images.yaml schedule; a first build waits for it.
          basesKnown: async entityRef => {
            await resolver.load();
            return resolver.get(entityRef) !== undefined;
          },
          notifications: deps.notifications,
          metrics: deps.metrics,
          logger: logger.child({ component: 'rebuilds' }),
        });
        if (rebuildsConfig.enabled) {
          await scheduler.scheduleTask({
            id: 'image-factory:rebuild-planner',
            ...rebuildsConfig.schedule,
            fn: async () => {
              await imagesFile.whenRead();
              await rebuilds.planner.runOnce();
            },
          });
          // A pushed build lets the images built FROM it go at once, not at
          // the next scheduled pass; so does a merged enrollment (its first
          // build, or the build of a changed config).
          await deps.events.subscribe({
            id: 'image-factory-rebuild-planner',
            topics: [
              BUILD_FINISHED_TOPIC,
              IMAGES_FILE_CHANGED_TOPIC,
              GRAPH_CHANGED_TOPIC,
            ],
            // Already running: the next pass sees the build anyway.
            onEvent: () =>
              triggerUnlessRunning(scheduler, 'image-factory:rebuild-planner'),
          });
        }

        const versions = createVersions({
          client,
          config: versionsConfig,
          budgets,
          credentials: async host => {
            const fromBuilds = await builds.credentials.get(host);
            const basic = trackingConfig.credentials.get(host);
            return fromBuilds ?? (basic && { type: 'basic', ...basic });
          },
          requestTimeoutMs: registriesConfig.requestTimeoutMs,
          // Modules' adapters first; the OCI adapter serves every host last.
          adapters: [
            ...registryAdapters,
            createDockerHubAdapter(),
            createGhcrAdapter({
              integrations: ScmIntegrations.fromConfig(config),
            }),
          ],
          runs: name => builds.service.list(name, VERSION_RUNS_LIMIT),
          images: () => imagesFile.getImages(),
          graph,
          digests: digestStore,
          logger: logger.child({ component: 'versions' }),
        });

        const lifecycle = await createLifecycle({
          client,
          config: lifecycleConfig,
          // A client per move: a refreshed credential must not meet a cached token.
          registry: () =>
            OciRegistryClient.create({
              credentials: host => builds.credentials.get(host),
              requestTimeoutMs: registriesConfig.requestTimeoutMs,
            }),
          runs: name => builds.service.list(name, VERSION_RUNS_LIMIT),
          runsOf: names => builds.service.listOf(names, VERSION_RUNS_LIMIT),
          ledger: {
            runsChangedSince: since => builds.service.imagesChangedSince(since),
            withSucceededRun: names => builds.service.withSucceededRun(names),
            runsStamp: () => builds.service.runsStamp(),
          },
          images: () => imagesFile.getImages(),
          digests: digestStore ?? DatabaseDigestStore.create({ client }),
          scheduler,
          signals: deps.signals,
          events: deps.events,
          metrics: deps.metrics,
          audit: event => rebuilds.plans.addAudit(event),
          verification: {
            executors: builds.pool,
            credentials: builds.credentials,
          },
          octokit: updatesOctokit({
            providers,
            integrations: ScmIntegrations.fromConfig(config),
          }),
          logger: logger.child({ component: 'lifecycle' }),
        });
        // A move a stopped backend left pending finishes (or fails) now.
        void imagesFile
          .whenRead()
          .then(() => lifecycle.recover(imagesFile.getImages()))
          .catch(e =>
            logger.error(`Recovering pending stage moves failed: ${e}`),
          );
        // A successful build enters the first stage when its policy is auto.
        await deps.events.subscribe({
          id: 'image-factory-lifecycle-builds',
          topics: [BUILD_FINISHED_TOPIC],
          onEvent: async ({ eventPayload }) => {
            const { imageName } = eventPayload as BuildFinishedEvent;
            const image = builds.service.findImage(imageName);
            if (image) await lifecycle.service.reconcile(image);
          },
        });

        // The Versions tab shows a build's version without waiting for the
        // tag cache to expire.
        await deps.events.subscribe({
          id: 'image-factory-versions-pushed',
          topics: [BUILD_FINISHED_TOPIC],
          onEvent: async ({ eventPayload }) => {
            const { imageName } = eventPayload as BuildFinishedEvent;
            const image = builds.service.findImage(imageName);
            if (image) {
              await versions.service.repositoryChanged({
                registry: image.spec.registry,
                repository: image.spec.repository,
              });
            }
          },
        });

        const wheelFiles = WheelFileStore.create({ client });
        const storeRegistry = refineryConfig.storeRegistry;
        const wheelBlobs = storeRegistry
          ? new RegistryWheelBlobStore({
              repository: storeRegistry,
              // A client per call: refreshed credentials meet no cached token.
              client: () =>
                OciRegistryClient.create({
                  credentials: host => builds.credentials.get(host),
                  requestTimeoutMs: registriesConfig.requestTimeoutMs,
                }),
            })
          : new DirectoryWheelBlobStore(refineryConfig.storeDirectory);
        logger.info(
          'Refinery wheel store',
          storeRegistry
            ? {
                store: 'registry',
                repository: `${storeRegistry.registry}/${storeRegistry.repository}`,
              }
            : { store: 'directory', directory: refineryConfig.storeDirectory },
        );
        const refineryDocker = new Dockerode({
          socketPath: refineryConfig.dockerSocketPath,
        });
        const wheelPublisher = new WheelPublisher({
          files: wheelFiles,
          blobs: wheelBlobs,
        });
        const refineryMetrics = new RefineryMetrics(deps.metrics);
        // A set's builder is an image of images.yaml the factory builds
        // (its newest build, pulled by digest), else the configured one.
        const builderImages = new FactoryBuilderImages({
          docker: refineryDocker,
          images: () => imagesFile.getImages(),
          runs: name => builds.service.list(name, BUILDER_RUNS_LIMIT),
          configured: refineryConfig.builders,
          credentials: host => builds.credentials.get(host),
        });
        const refineryQueue = createRefineryQueue({
          client,
          docker: refineryDocker,
          files: wheelFiles,
          publisher: wheelPublisher,
          builders: refineryConfig.builders,
          builderImages,
          config: refineryConfig.workers,
          logger,
          metrics: refineryMetrics,
          // The catalog's Wheel entities follow the refinery's work.
          onChanged: () =>
            void deps.events
              .publish({ topic: REFINERY_CHANGED_TOPIC, eventPayload: {} })
              .catch(() => {}),
        });
        refineryMetrics.observeQueue(() => refineryQueue.store.queueState());
        if (refineryConfig.workersEnabled) {
          refineryQueue.worker.start();
          deps.lifecycle.addShutdownHook(() => refineryQueue.worker.stop());
        }
        // A new build of a set's builder image builds the set's wheels in it.
        await deps.events.subscribe({
          id: 'image-factory-refinery-builders',
          topics: [BUILD_FINISHED_TOPIC],
          onEvent: async ({ eventPayload }) => {
            const { imageName, entityRef } = eventPayload as BuildFinishedEvent;
            if (!refineryConfig.wheelsLocation) return;
            await queueBuilderDependents({
              imageName,
              entityRef,
              sets: async () =>
                (
                  await readWheelSets(
                    refineryConfig.wheelsLocation,
                    deps.urlReader,
                  )
                ).sets,
              queue: refineryQueue,
              logger: logger.child({ component: 'refinery' }),
            });
          },
        });
        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            logger,
            enrollment,
            permissions: deps.permissions,
            imagesFile,
            providers,
            tracking,
            builds: builds.service,
            graph,
            rebuilds,
            artifacts,
            providerHealth,
            images: imagesStore,
            versions,
            lifecycle,
            refinery: {
              auth: deps.auth,
              files: wheelFiles,
              blobs: wheelBlobs,
              publicIndex: refineryConfig.publicIndex,
              indexUpstream: refineryConfig.indexUpstream,
              sets: {
                urlReader: deps.urlReader,
                location: refineryConfig.wheelsLocation,
                builders: refineryConfig.builders,
                builderImages,
                docker: refineryDocker,
                publisher: wheelPublisher,
              },
              queue: refineryQueue,
            },
          }),
        );
        for (const path of UNAUTHENTICATED_PATHS) {
          httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
        logger.info('Image Factory started', {
          imagesLocation: source.location,
          providers: providers.length,
          executorsFromModules: executors.length,
          credentialProviders: credentialProviders.length,
          enrollmentRepository:
            enrollmentConfig?.target.url ?? 'not configured',
        });
      },
    });
  },
});
