import { InputError } from '@backstage/errors';

/** Docker Hub's name in references is not the host that serves its API. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::[0-9]{1,5})?$/;
// The repository grammar of distribution/reference: it also keeps the name
// from escaping its path (`..`, `?`, `#`).
const REPOSITORY =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** Where the API of a registry is reached. */
export interface RegistryEndpoint {
  /** The registry as written in references (`docker.io`), for credentials and messages. */
  registry: string;
  /** Scheme and API host (`https://registry-1.docker.io`), without a trailing slash. */
  origin: string;
}

/** `[::1]:5000` → `[::1]`, `Localhost:5000` → `localhost`. */
function hostname(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) {
    return lower.slice(0, lower.indexOf(']') + 1);
  }
  const colon = lower.lastIndexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/**
 * Whether a host is spoken to over plain HTTP: loopback always, others only
 * when listed in `insecureHosts` (as `host` or `host:port`).
 */
export function usesPlainHttp(
  host: string,
  insecureHosts: ReadonlySet<string>,
): boolean {
  const name = hostname(host);
  return (
    LOOPBACK_HOSTS.has(name) ||
    insecureHosts.has(host.toLowerCase()) ||
    insecureHosts.has(name)
  );
}

/** Resolves the scheme and API host of a registry named in a reference. */
export function resolveRegistryEndpoint(
  registry: string,
  insecureHosts: ReadonlySet<string>,
): RegistryEndpoint {
  if (!HOST.test(registry)) {
    throw new InputError(
      `registry: '${registry}' must be a host name or IP address with an optional port`,
    );
  }
  const apiHost =
    registry.toLowerCase() === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
  const scheme = usesPlainHttp(apiHost, insecureHosts) ? 'http' : 'https';
  return { registry, origin: `${scheme}://${apiHost.toLowerCase()}` };
}

/** Throws `InputError` unless `repository` is a valid repository name. */
export function assertRepositoryName(repository: string): void {
  if (!REPOSITORY.test(repository)) {
    throw new InputError(
      `repository: '${repository}' must be lowercase path components separated by '/'`,
    );
  }
}
