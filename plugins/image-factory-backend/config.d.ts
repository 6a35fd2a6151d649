import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Image Factory plugin suite. */
  imageFactory?: {
    /** Where the factory's `images.yaml` lives and how often it is read. */
    images?: {
      /**
       * A path (relative to the backend's working directory) or any URL the
       * Backstage UrlReader can read, such as a file in the factory's GitHub
       * config repository.
       *
       * Default: `images.yaml`.
       * @example ../../examples/images.yaml
       * @example https://github.com/acme/image-factory-config/blob/main/images.yaml
       */
      location?: string;
      /**
       * How often the backend reads the file; the catalog module asks the
       * backend for what it read on the same schedule (and at once when a read
       * finds new content).
       *
       * Default: every minute, with a one-minute timeout.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * Base-image tracking: the factory polls the digests of its `base` and
     * `external` images with HEAD requests, one per unique reference per interval.
     */
    tracking?: {
      /** Set to false to stop polling registries. Default: true. */
      enabled?: boolean;
      /**
       * Time between two checks of one reference (jittered by up to 10%).
       *
       * Default: 24 hours.
       * @example { hours: 6 }
       */
      interval?: HumanDuration | string;
      /**
       * How often the factory looks for references whose check is due.
       *
       * Default: every minute, with a 10-minute timeout.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Bearer token of registry push notifications (Distribution's
       * `notifications.endpoints[].headers.Authorization: [Bearer <token>]`)
       * sent to `/api/image-factory/webhooks/registry`: a push of a watched
       * reference is checked at once. Without it the endpoint answers 503 and
       * polling alone notices pushes.
       * @visibility secret
       */
      notificationsToken?: string;
      /**
       * Request budget and check interval per registry host, keyed by a
       * free id (host names hold dots, which config keys cannot). Before
       * each HEAD the watcher takes a token from the host's bucket; when it
       * is empty, the host's due references wait until a token is back. The
       * GET that follows a new digest is charged on credit. Budgets live in
       * the database: one per host for every backend replica, kept across
       * restarts.
       *
       * Default: `docker.io` gets 16 requests an hour with a burst of 16
       * (under Docker Hub's anonymous 100 pulls per 6 hours per IP address,
       * which builds on the same address share); other hosts are unlimited.
       * A registry's own `RateLimit-*` headers and 429s are obeyed either way.
       *
       * @example
       * ```yaml
       * registries:
       *   hub: { host: docker.io, requestsPerHour: 100, burst: 20 }
       *   ghcr: { host: ghcr.io, interval: { hours: 6 } }
       * ```
       */
      registries?: {
        [id: string]: {
          /** Registry host as written in image references, e.g. `docker.io`, `ghcr.io`, `localhost:5000`. */
          host: string;
          /**
           * False: references on this host are never checked (a registry the
           * factory cannot or must not reach, e.g. from an air-gapped
           * network); images built FROM them are not rebuilt when they
           * change. Default: true.
           */
          enabled?: boolean;
          /**
           * Tokens added to the bucket per hour (may be fractional: 100 per
           * 6 hours is 16.67). Default: 16 for `docker.io`, else unlimited.
           * @example 100
           */
          requestsPerHour?: number;
          /**
           * Bucket capacity: the most requests sent at once after a rest;
           * needs `requestsPerHour`. Default: 16 for `docker.io`, else
           * `requestsPerHour` rounded up.
           * @example 20
           */
          burst?: number;
          /**
           * Time between two checks of one reference on this host,
           * overriding `tracking.interval`. Default: `tracking.interval`.
           * @example { hours: 6 }
           */
          interval?: HumanDuration | string;
        };
      };
    };
    /** How the factory speaks to registries: tracking, builds, pushes and retention. */
    registries?: {
      /**
       * How long one HTTP request to a registry (or its token service) may
       * take, response body included, before it fails with
       * `RegistryTimeoutError` naming the registry and this timeout. A
       * tracking check that times out is retried after the retry delay; a
       * build step counts it as a network failure.
       *
       * Default: 30 seconds.
       * @example { seconds: 10 }
       */
      requestTimeout?: HumanDuration | string;
    };
    /**
     * Lifecycle stages (images.yaml `stages`): staleness, auto-promotion
     * passes and the following of update pull requests.
     */
    /** The wheel refinery: its wheel store and its pip index. */
    refinery?: {
      store?: {
        /**
         * Directory of the content-addressed wheel store (relative to the
         * backend's working directory). Default: `.run/refinery`.
         */
        directory?: string;
        /**
         * A repository of an OCI registry (`host[:port]/path`, no tag or
         * digest) that keeps the wheels instead of the directory: each file
         * is an OCI artifact tagged `sha256-<hex>` of its bytes, with its
         * file name as the layer's title, so `oras pull` fetches it. The
         * registry's credentials come from the registries the factory
         * already knows (`imageFactory.providers.registries` or a
         * credential-provider module), never from this key. Default: none
         * (the directory store).
         * @example localhost:5000/image-factory/wheels
         */
        registry?: string;
      };
      index?: {
        /**
         * Whether the simple index (`/api/image-factory/refinery/simple/`)
         * answers without a Backstage token. Default: false; pip then puts
         * a token in the index URL as Basic auth (`https://token:<TOKEN>@…`).
         */
        public?: boolean;
        /**
         * A PEP 503 simple index the refinery's index proxies to, such as
         * PyPI: a project's page lists the upstream's files beside the
         * refinery's (a file name the refinery has is the refinery's), with
         * their upstream URLs, so pip downloads those from the upstream
         * directly; a project only the upstream has is served from it. An
         * upstream that fails or takes over 10 s leaves the refinery's own
         * files. The project list stays the refinery's. Default: none (the
         * index serves the refinery's wheels only).
         * @visibility backend
         * @example https://pypi.org/simple/
         */
        upstream?: string;
      };
      wheels?: {
        /**
         * Where `wheels.yaml` (the wheel sets) is: a path relative to the
         * backend's working directory or a URL the UrlReader reads, such as
         * the config repository's file on GitHub.
         */
        location?: string;
      };
      /**
       * The builder image of each platform. Default: linux/amd64 →
       * `image-factory/wheel-builder:bookworm-amd64`, which ./scripts/test
       * makes with debootstrap.
       */
      builders?: Array<{ platform: string; image: string }>;
      docker?: {
        /** The Docker engine builds run on. Default: `/var/run/docker.sock`. */
        socketPath?: string;
      };
      /** The workers that plan runs and build wheels on this backend. */
      workers?: {
        /** Whether this backend takes refinery work at all. Default: true. */
        enabled?: boolean;
        /** Plans and builds at once on this backend. Default: 1. */
        concurrency?: number;
        /**
         * How long a claimed plan or build stays this backend's without a
         * renewal; past it, another backend takes it over. Default: 60 s.
         */
        leaseDuration?: HumanDuration | string;
        /**
         * Claims of one plan or build before work whose backend stopped
         * fails as interrupted. Default: 3.
         */
        maxAttempts?: number;
      };
    };
    lifecycle?: {
      /**
       * How long a stage may hold a version built on a base digest that has
       * been replaced before the stage is flagged stale, e.g. `7d`.
       *
       * Default: `7d`.
       */
      staleAfter?: string;
      /**
       * How often `auto` stages are looked at for versions whose soak
       * ended (a successful build enters the first stage at once).
       *
       * Default: `1m`.
       */
      reconcileInterval?: string;
      /**
       * How often open update pull requests are read to see them merged or
       * closed.
       *
       * Default: `5m`.
       */
      updateRequestsInterval?: string;
    };
    /**
     * The Versions view: how an image's tags, manifests and configs are read
     * from its registry and cached. Requests take tokens from the upper half
     * of the host's `tracking.registries` budget only, so that listing
     * versions never starves digest checks.
     */
    versions?: {
      /**
       * How long a repository's tag listing is used before it is listed
       * again (in the background; the cached one answers meanwhile).
       *
       * Default: 5 minutes.
       * @example { minutes: 15 }
       */
      tagsCacheTime?: HumanDuration | string;
      /**
       * The most manifest and index details kept in the database (they never
       * change, so they are kept until this bound evicts the oldest).
       *
       * Default: 20000.
       */
      maxCachedDetails?: number;
      /**
       * A repository with more tags than this is not listed (the view says
       * so); it bounds the memory and requests of one listing.
       *
       * Default: 10000.
       */
      maxTags?: number;
      /**
       * The web page of a repository in a registry's own UI, for registries
       * whose page the factory cannot derive (Harbor, Nexus, Artifactory):
       * per registry host, an URL template with `{repository}` (`team/app`),
       * `{namespace}` (`team`), `{name}` (`app`) and `{tag}` (empty on the
       * repository's page). Docker Hub, GHCR and Quay need none.
       * @example [{ host: harbor.example.com, url: "https://harbor.example.com/harbor/projects/{namespace}/repositories/{name}/artifacts-tab" }]
       */
      webUrls?: Array<{
        /** Registry host as written in image references. */
        host: string;
        /** The URL template. */
        url: string;
      }>;
    };
    /**
     * Rebuild planning: when a base image gets a new digest, the images built
     * FROM it are rebuilt after their `rebuild.delay` (counted from when the
     * factory first saw the digest), once their bases went quiet for
     * `rebuild.coalesceWindow`, in dependency order (see the backend README,
     * "Rebuild planning").
     */
    rebuilds?: {
      /** Set to false to stop this backend from planning and queueing rebuilds. Default: true. */
      enabled?: boolean;
      /**
       * How often the planner runs.
       *
       * Default: every 30 seconds, with a 5-minute timeout.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * The longest a rebuild waits for its bases to go quiet once it is
       * eligible, so a base re-pushed more often than the quiet period is
       * still rebuilt.
       *
       * Default: 30 minutes.
       * @example { hours: 1 }
       */
      maxWait?: HumanDuration | string;
      /**
       * How many levels below a changed base a rebuild cascade reaches;
       * images further down are shown as blocked.
       *
       * Default: 10.
       */
      maxDepth?: number;
      /**
       * Queue a build by itself when an image with a source (managed, or base
       * with a source) first appears in images.yaml (cause `enrollment`), and
       * when its source, Dockerfile, context, build args or platforms change
       * there (cause `config-change`). An image that already had runs before
       * this was turned on gets no `enrollment` build. Set to false to build
       * such images only when asked (Build now) or when a base changes.
       *
       * Default: true.
       */
      automaticBuilds?: boolean;
      /**
       * How often every image with a source is built again (cause
       * `scheduled`) unless its images.yaml entry sets `rebuild.schedule`:
       * `hourly`, `daily`, `weekly`, a duration of at least 1h such as `12h`
       * or `7d`, or `off`. The interval counts from the image's latest run of
       * any cause; a scheduled run is skipped ("up to date") when nothing it
       * is built from changed.
       *
       * Default: off.
       * @example weekly
       */
      defaultSchedule?: string;
    };
    /**
     * Self-service enrollment: every enrollment, un-enrollment or change of an
     * image is a pull request against `images.yaml` in a GitHub repository;
     * merging it is the approval. Credentials come from Backstage's
     * `integrations.github` entry for the repository's host (token or GitHub App).
     */
    enrollment?: {
      /**
       * URL of `images.yaml` in the config repository, as GitHub shows it:
       * `https://<host>/<owner>/<repo>/blob/<branch>/<path>`.
       *
       * Default: `imageFactory.images.location` when it is such a URL.
       * @example https://github.com/acme/image-factory-config/blob/main/images.yaml
       */
      target?: string;
      /** Labels put on every pull request. Default: `[image-factory]`. */
      labels?: string[];
      /** GitHub users asked to review every pull request. Default: none. */
      reviewers?: string[];
      /**
       * Let users enroll and change images for owners they do not belong to
       * (their user or one of their groups). Default: false.
       */
      allowAnyOwner?: boolean;
      /**
       * Secret of the GitHub webhook (`pull_request` events) that tells the
       * factory at once that a pull request was merged. Without it the webhook
       * endpoint refuses every delivery and polling alone notices merges.
       * @visibility secret
       */
      webhookSecret?: string;
      /**
       * How often open pull requests are polled, the fallback when no webhook
       * arrives. Default: every minute.
       */
      pollSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Bounded retries of a GitHub request that failed with a 5xx answer.
       * Default: 3.
       */
      maxRetries?: number;
      /**
       * The longest `retry-after` of a rate-limited GitHub answer the factory
       * waits for before it retries; longer ones fail the request with 429.
       * Default: 10 seconds.
       */
      maxRetryAfter?: HumanDuration | string;
    };
    /**
     * The build engine: a queue of runs in the database, built by a worker in
     * each backend (see the backend README, "Builds").
     */
    builds?: {
      /**
       * Whether this backend takes runs from the queue and builds them. Set to
       * false on replicas that only serve the API. Default: true.
       */
      worker?: boolean;
      /** Runs this backend builds at once. Default: 2. */
      concurrentRuns?: number;
      /** Platforms of one run built at once. Default: 2. */
      parallelPlatforms?: number;
      /**
       * Starts of a run (the first and those after its backend stopped
       * mid-build) before it fails as `interrupted`. Default: 3.
       */
      maxAttempts?: number;
      /**
       * How long a backend's claim on a run holds without renewal; it is
       * renewed every third of it while the run builds. Default: 1 minute.
       * @example { seconds: 90 }
       */
      leaseDuration?: HumanDuration | string;
      /** How often the queue is polled and expired leases recovered. Default: 2 seconds. */
      pollInterval?: HumanDuration | string;
      /** Retries of one step (fetch, build, push) after a transient error. Default: 3. */
      retries?: number;
      /**
       * Wait before the first retry; doubled for each further one, at most
       * 30 seconds. Default: 2 seconds.
       */
      retryBackoff?: HumanDuration | string;
      /** The longest build of one platform. Default: 1 hour. */
      buildTimeout?: HumanDuration | string;
      /** The longest push of one platform. Default: 15 minutes. */
      pushTimeout?: HumanDuration | string;
      /**
       * Each successful run also pushes its image index under a versioned tag
       * (`<tag>-<UTC time>`, e.g. `latest-20261123T201500.123Z`) to pin or roll
       * back to. After a run succeeds, the manifests of the image's older
       * runs beyond the newest `keep` are deleted from the registry (with
       * their versioned tags; never what a kept run uses). An image's
       * `retention.keep` in images.yaml overrides it. The registry must allow
       * deletes (Distribution: `storage.delete.enabled: true`) and frees the
       * blobs in its own garbage collection.
       */
      retention?: {
        /** Runs kept per image. Default: 10. */
        keep?: number;
      };
      /**
       * How many of each image's last succeeded runs the catalog shows as
       * `ImageBuild` entities (`GET /artifacts`). 0 for none. Default: 5.
       */
      catalogEntitiesPerImage?: number;
    };
    /**
     * Entity reference of the owner of the Provider entities.
     *
     * Default: `group:default/platform-team`.
     */
    providerOwner?: string;
    /**
     * The systems the factory uses. Each key under a kind is the provider's id,
     * which names its catalog entity (`<kind>-<id>`).
     */
    providers?: {
      /**
       * Where builds run. Default: one Docker executor `local-docker` on
       * `unix:///var/run/docker.sock` building linux/amd64.
       */
      executors?: {
        [id: string]: {
          /** Executor implementation. Default: `docker`. */
          type?: 'docker';
          /**
           * Docker host, as in DOCKER_HOST (`unix:///var/run/docker.sock`,
           * `tcp://builder:2376`, `ssh://user@builder`).
           *
           * Default: `unix:///var/run/docker.sock`.
           */
          host?: string;
          /** Platforms the executor builds. Default: `[linux/amd64]`. */
          platforms?: string[];
          /**
           * The subset of `platforms` the executor runs through QEMU emulation;
           * placement prefers a native executor for these. Default: none.
           */
          emulatedPlatforms?: string[];
          /** Builds it runs at once. Default: 2. */
          concurrency?: number;
          /**
           * For an `ssh://` host: the private key file to log in with (the
           * remote user runs `docker system dial-stdio`, as the Docker CLI
           * does). Default: the ssh agent of `SSH_AUTH_SOCK`.
           * @example /etc/image-factory/builder_ed25519
           */
          sshIdentityFile?: string;
          /**
           * `buildkit`: the engine's BuildKit (reads `RUN --mount`,
           * `COPY --chmod`, `FROM --platform=$BUILDPLATFORM`); `classic`: the
           * engine's builder without BuildKit. Default: `buildkit`.
           */
          builder?: 'buildkit' | 'classic';
          /**
           * The network of BuildKit's RUN steps: `default` (the engine's
           * bridge, or none on an engine without one), `host` or `none`.
           * Default: `default`.
           */
          buildNetwork?: 'default' | 'host' | 'none';
        };
      };
      /** Registries the factory pushes to and watches. */
      registries?: {
        [id: string]: {
          /** Registry flavour: `oci` (any distribution registry), `ghcr` or `dockerhub`. Default: `oci`. */
          type?: 'oci' | 'ghcr' | 'dockerhub';
          /** Registry host with optional port, e.g. `localhost:5000`, `ghcr.io`. */
          host: string;
          /** User name for basic auth. */
          username?: string;
          /**
           * Password or token for basic auth.
           * @visibility secret
           */
          password?: string;
        };
      };
      /** Source hosts Dockerfiles are fetched from. Default: `github` on github.com. */
      sources?: {
        [id: string]: {
          /** Source host type. Default: `github`. */
          type?: 'github';
          /** Host name, e.g. `github.com` or a GitHub Enterprise host. */
          host: string;
        };
      };
    };
  };
}
