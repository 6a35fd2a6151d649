/**
 * What a health check of a provider found.
 *
 * - `ok`: reachable, and the credentials (if any) were accepted.
 * - `invalid-credentials`: reachable, but the credentials were refused.
 * - `unreachable`: no answer, or an answer that is not the expected API.
 *
 * @public
 */
export type ProviderHealthState = 'ok' | 'invalid-credentials' | 'unreachable';

/**
 * The builder an executor builds with, and the Dockerfile syntax it reads.
 *
 * @public
 */
export interface ProviderBuilder {
  /** `buildkit`, or `classic` (Docker's builder without BuildKit). */
  builder: 'buildkit' | 'classic';
  /** For BuildKit, its built-in Dockerfile frontend's version, e.g. `1.2` (Docker 20.10). */
  dockerfileFrontend?: string;
  /** In words, e.g. `Docker 20.10.24 BuildKit (Dockerfile frontend 1.2)`. */
  description: string;
}

/**
 * Health of one provider; never holds a secret.
 *
 * @public
 */
export interface ProviderHealth {
  /** The key under `imageFactory.providers.<type>s`. */
  id: string;
  /** What the provider is for. */
  type: 'executor' | 'registry' | 'source';
  /** The outcome of the check. */
  state: ProviderHealthState;
  /** In words, e.g. `Docker 20.10.24+dfsg1 (linux/amd64)` or why it failed. */
  message: string;
  /** When it was checked (ISO 8601); answers are cached for about 30 seconds. */
  checkedAt: string;
  /** Executor only: the engine's version. */
  version?: string;
  /** Executor only: the engine's native platform, e.g. `linux/amd64`. */
  nativePlatform?: string;
  /** Executor only: the platforms it runs through QEMU emulation (binfmt registered). */
  emulatedPlatforms?: string[];
  /** Executor only: the builder its builds use, when the executor says. */
  builder?: ProviderBuilder;
}

/**
 * The answer of `GET /api/image-factory/providers/health`.
 *
 * @public
 */
export interface ProviderHealthList {
  /** One entry per configured provider. */
  items: ProviderHealth[];
}
