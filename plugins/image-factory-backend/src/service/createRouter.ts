import {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  parseImageRef,
  analyzeDockerfileRequestSchema,
  DockerfileAnalysis,
  HealthResponse,
  ImageFactoryStatus,
  ImageEntityV1alpha1,
  LifecycleOverviewRow,
} from '@image-factory/plugin-image-factory-common';
import {
  ProviderConfig,
  providerEntityRef,
} from '@image-factory/plugin-image-factory-node';
import express from 'express';
import Router from 'express-promise-router';
import { analyzeDockerfile } from '../analysis';
import { BuildArtifacts, BuildService } from '../builds';
import {
  ImagesStore,
  VerificationLogStore,
  VerificationStore,
} from '../database';
import { EnrollmentService } from '../enrollment';
import { ImageGraphService } from '../graph';
import { RebuildPlanning } from '../planning';
import { ProviderHealthChecker } from '../providers';
import { ImagesFileWatcher } from '../sources';
import { BaseImageTracker } from '../tracking';
import { authorizeStatusRead } from './authorizeStatusRead';
import { createImageAccess } from './imageAccess';
import {
  REGISTRY_WEBHOOK_PATH,
  registryWebhookRoutes,
} from './registryWebhookRoutes';
import {
  ENROLLMENT_UNAUTHENTICATED_PATHS,
  enrollmentRoutes,
} from './enrollmentRoutes';
import { archiveRoutes } from './archiveRoutes';
import { artifactRoutes } from './artifactRoutes';
import { buildRoutes } from './buildRoutes';
import {
  healthFields,
  healthWithin,
  STATUS_HEALTH_WAIT_MS,
} from './providerStatus';
import { providerRoutes } from './providerRoutes';
import { graphRoutes } from './graphRoutes';
import { imagesFileRoutes } from './imagesFileRoutes';
import { trackingRoutes } from './trackingRoutes';
import { versionRoutes } from './versionRoutes';
import { stageRoutes } from './stageRoutes';
import { LifecycleService } from '../lifecycle';
import { Versions } from '../versions';
import { rebuildRoutes } from './rebuildRoutes';
import {
  REFINERY_INDEX_PATHS,
  refineryIndexRoutes,
} from './refineryIndexRoutes';
import { refinerySetRoutes } from './refinerySetRoutes';
import { refineryRunRoutes } from './refineryRunRoutes';
import { wheelSetEnrollmentRoutes } from './wheelSetEnrollmentRoutes';
import type { RefineryQueue } from '../refinery/queue/createRefineryQueue';
import { WheelBlobStore, WheelFileStore } from '../refinery';
import { parseRequestBody } from './parseRequestBody';
import { withSourceIssues } from './withSourceIssues';

/** The paths that answer without a token (see plugin.ts). */
export const UNAUTHENTICATED_PATHS = [
  '/health',
  ...ENROLLMENT_UNAUTHENTICATED_PATHS,
  REGISTRY_WEBHOOK_PATH,
  // They check credentials themselves (pip sends tokens as Basic auth).
  ...REFINERY_INDEX_PATHS,
];

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  logger: LoggerService;
  permissions: PermissionsService;
  imagesFile: ImagesFileWatcher;
  providers: ProviderConfig[];
  /** Absent when tracking is disabled. */
  tracking?: {
    tracker: BaseImageTracker;
    intervalMs: number;
    /** Bearer token of registry push notifications; absent: endpoint off. */
    notificationsToken?: string;
  };
  /** Absent when enrollment is not configured. */
  enrollment?: { service: EnrollmentService; webhookSecret?: string };
  /** The build engine's runs and logs. */
  builds: BuildService;
  /** The dependency graph of images and their bases. */
  graph?: ImageGraphService;
  /** The rebuild planner, emergency rebuilds and the audit trail. */
  rebuilds?: RebuildPlanning;
  /** Succeeded runs for the catalog's ImageBuild entities. */
  artifacts?: BuildArtifacts;
  /** Health checks of the providers, also shown in `/status`. */
  providerHealth?: ProviderHealthChecker;
  /** The images' history: the archive of un-enrolled images. */
  images?: Pick<ImagesStore, 'listArchived'>;
  /** The Versions view: images' versions from their registries. */
  versions?: Versions;
  /** Lifecycle stages: promotions and rollbacks of stage tags. */
  lifecycle?: {
    service: LifecycleService;
    /** `version`, when given, changes whenever the items may (an ETag). */
    overview: (images: ImageEntityV1alpha1[]) => Promise<{
      items: LifecycleOverviewRow[];
      staleAfter: string;
      version?: string;
    }>;
    verifier?: { store: VerificationStore; logs: VerificationLogStore };
    /** Reads the open update pull requests' states again. */
    updater?: { follow: () => Promise<void> };
  };
  /** The wheel refinery's simple index and its files. */
  refinery?: {
    auth: AuthService;
    files: WheelFileStore;
    blobs: WheelBlobStore;
    publicIndex: boolean;
    /** The PEP 503 index project pages proxy to, if any. */
    indexUpstream?: string;
    /** The wheel sets and their plans; absent: no set routes. */
    sets?: Omit<
      Parameters<typeof refinerySetRoutes>[0],
      'httpAuth' | 'files' | 'permissions' | 'queue'
    >;
    /** The queue of runs and builds; absent: the refinery only plans. */
    queue?: RefineryQueue;
  };
}): Promise<express.Router> {
  const { httpAuth, permissions, imagesFile, providers, tracking } = options;
  const access = createImageAccess({ permissions });
  const router = Router();
  // Dockerfiles are posted for analysis; the schema bounds them further.
  // The raw bytes are kept because webhook signatures are computed over them.
  router.use(
    express.json({
      limit: '1mb',
      verify: (req, _res, buf) => {
        (req as express.Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );

  router.get('/health', (_req, res) => {
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  router.get('/status', async (req, res) => {
    await authorizeStatusRead(
      req,
      { httpAuth, permissions },
      'the Image Factory status',
    );
    const health = await healthWithin(
      options.providerHealth,
      STATUS_HEALTH_WAIT_MS,
    );
    const body: ImageFactoryStatus = {
      imagesFile: withSourceIssues(
        imagesFile.getStatus(),
        imagesFile.getImages(),
        (await options.graph?.sourceProblems()) ?? [],
      ),
      providers: providers.map(p => ({
        id: p.id,
        type: p.kind,
        implementation: p.implementation,
        endpoint: p.endpoint,
        entityRef: providerEntityRef(p),
        ...(p.platforms ? { platforms: p.platforms } : {}),
        ...healthFields(health, p),
      })),
      ...(tracking
        ? {
            tracking: {
              intervalMs: tracking.intervalMs,
              references: await tracking.tracker.status(),
            },
          }
        : {}),
    };
    res.json(body);
  });

  router.post('/analyses', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body = parseRequestBody(analyzeDockerfileRequestSchema, req.body);
    const analysis: DockerfileAnalysis = analyzeDockerfile(body.dockerfile, {
      file: body.file,
      buildArgs: body.buildArgs,
      platform: body.platform,
    });
    res.json(analysis);
  });

  router.use(imagesFileRoutes({ httpAuth, permissions, imagesFile }));
  router.use(
    enrollmentRoutes({
      httpAuth,
      userInfo: options.userInfo,
      access,
      logger: options.logger,
      enrollment: options.enrollment,
      onOtherPullRequestClosed: options.lifecycle?.updater?.follow,
    }),
  );
  if (options.artifacts) {
    // Before buildRoutes, whose `/builds/:id` would not match it anyway.
    router.use(
      artifactRoutes({ httpAuth, access, artifacts: options.artifacts }),
    );
  }
  if (options.providerHealth) {
    router.use(
      providerRoutes({
        httpAuth,
        permissions,
        health: options.providerHealth,
      }),
    );
  }
  if (options.images) {
    router.use(
      archiveRoutes({
        httpAuth,
        permissions,
        images: options.images,
        builds: options.builds,
      }),
    );
  }
  router.use(buildRoutes({ httpAuth, access, builds: options.builds }));
  if (options.lifecycle) {
    router.use(
      stageRoutes({
        httpAuth,
        userInfo: options.userInfo,
        access,
        lifecycle: options.lifecycle.service,
        overview: options.lifecycle.overview,
        verifications: options.lifecycle.verifier,
        findImage: name => options.builds.findImage(name),
        images: () => options.imagesFile.getImages(),
      }),
    );
  }
  if (options.versions) {
    router.use(versionRoutes({ httpAuth, access, versions: options.versions }));
  }
  router.use(
    registryWebhookRoutes({
      logger: options.logger,
      tracker: tracking?.tracker,
      token: tracking?.notificationsToken,
      onPushed: async references => {
        for (const reference of references) {
          await options.versions?.service.repositoryChanged(
            parseImageRef(reference),
          );
        }
      },
    }),
  );
  router.use(
    graphRoutes({
      httpAuth,
      access,
      graph: options.graph,
      cascadeMaxDepth: options.rebuilds?.maxDepth,
    }),
  );
  router.use(
    trackingRoutes({ httpAuth, permissions, tracker: tracking?.tracker }),
  );
  if (options.rebuilds) {
    router.use(
      rebuildRoutes({
        httpAuth,
        access,
        findImage: name => options.builds.findImage(name),
        ...options.rebuilds,
      }),
    );
  }
  if (options.refinery) {
    router.use(
      refineryIndexRoutes({
        httpAuth,
        logger: options.logger,
        ...options.refinery,
      }),
    );
    router.use(
      wheelSetEnrollmentRoutes({
        httpAuth,
        userInfo: options.userInfo,
        permissions,
        enrollment: options.enrollment?.service,
      }),
    );
    if (options.refinery.sets) {
      router.use(
        refinerySetRoutes({
          httpAuth,
          permissions,
          files: options.refinery.files,
          queue: options.refinery.queue,
          ...options.refinery.sets,
        }),
      );
    }
    if (options.refinery.queue) {
      router.use(
        refineryRunRoutes({
          httpAuth,
          permissions,
          queue: options.refinery.queue,
        }),
      );
    }
  }
  return router;
}
