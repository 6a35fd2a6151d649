/** Which builder an executor uses on its engine. */
export type DockerBuilder = 'buildkit' | 'classic';

/** What an engine's builder understands of a Dockerfile. */
export interface BuildCapabilities {
  builder: DockerBuilder;
  /**
   * Version of the Dockerfile frontend built into the engine's BuildKit
   * (`1.2`); undefined with the classic builder.
   */
  dockerfileFrontend?: string;
}

// The Dockerfile frontend each Docker Engine release vendors (moby's
// vendor/github.com/moby/buildkit): 20.10 has BuildKit 0.8, whose frontend
// predates heredocs and COPY --link (both 1.4).
const FRONTEND_BY_ENGINE: Array<[engineMajor: number, frontend: string]> = [
  [18, '1.0'],
  [19, '1.1'],
  [20, '1.2'],
  [23, '1.4'],
  [24, '1.5'],
  [25, '1.6'],
  [26, '1.7'],
  [27, '1.9'],
  [28, '1.14'],
];

/** The Dockerfile frontend built into a Docker Engine version (`20.10.24+dfsg1`). */
export function builtInDockerfileFrontend(engineVersion: string): string {
  const major = Number(/^(\d+)/.exec(engineVersion)?.[1] ?? NaN);
  if (!Number.isFinite(major)) return '1.0';
  let frontend = '1.0';
  for (const [engine, version] of FRONTEND_BY_ENGINE) {
    if (major >= engine) frontend = version;
  }
  return frontend;
}

/** Compares `major.minor` versions: negative when a < b. */
export function compareFrontendVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** The builder an engine of this API version can run: BuildKit needs API 1.39 (Docker 18.09). */
export function buildCapabilities(options: {
  builder: DockerBuilder;
  engineVersion: string;
  apiVersion: string;
}): BuildCapabilities {
  const [major = 0, minor = 0] = options.apiVersion.split('.').map(Number);
  const buildkit =
    options.builder === 'buildkit' &&
    (major > 1 || (major === 1 && minor >= 39));
  return buildkit
    ? {
        builder: 'buildkit',
        dockerfileFrontend: builtInDockerfileFrontend(options.engineVersion),
      }
    : { builder: 'classic' };
}
