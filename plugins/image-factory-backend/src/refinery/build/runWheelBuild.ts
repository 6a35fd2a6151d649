import Dockerode from 'dockerode';
import type { BuildHints } from './hints';
import { runBuilderContainer } from './runBuilderContainer';

const SDIST = /^[A-Za-z0-9][A-Za-z0-9._+-]*\.(?:tar\.gz|tar\.bz2|tar\.xz|zip)$/;
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WHEEL = /^[A-Za-z0-9][A-Za-z0-9._+-]*\.whl$/;

/** One wheel build: an sdist, in a builder image, for a platform. */
export interface WheelBuildRequest {
  /** The builder image (a tag or digest the engine has). */
  builder: string;
  /** `linux/s390x`: the builder's platform, run through QEMU when foreign. */
  platform: string;
  sdist: { filename: string; bytes: Buffer };
  hints: BuildHints;
  /** Wheels of its build requirements built in earlier rounds, installed first. */
  buildDependencies?: Array<{ filename: string; bytes: Buffer }>;
  timeoutMs: number;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}

/** What came out: the wheels made (none when it failed), the exit and the log. */
export interface WheelBuildOutcome {
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  wheels: Array<{ filename: string; bytes: Buffer }>;
  log: string[];
}

/** Refuses what could reach the shell or the engine as something else, naming the field. */
export function validateWheelBuild(request: WheelBuildRequest) {
  if (!SDIST.test(request.sdist.filename)) {
    throw new Error(
      `sdist: '${request.sdist.filename}' is not a source distribution file name (name-version.tar.gz or .zip)`,
    );
  }
  for (const w of request.buildDependencies ?? []) {
    if (!WHEEL.test(w.filename)) {
      throw new Error(
        `buildDependencies: '${w.filename}' is not a wheel file name`,
      );
    }
  }
  for (const p of request.hints.debianPackages) {
    if (!DEBIAN_PACKAGE.test(p)) {
      throw new Error(
        `hints.debianPackages: '${p}' is not a Debian package name`,
      );
    }
  }
  for (const name of Object.keys(request.hints.env)) {
    if (!ENV_NAME.test(name)) {
      throw new Error(`hints.env: '${name}' is not a variable name`);
    }
  }
  if (!(request.timeoutMs > 0)) {
    throw new Error(`timeoutMs: must be positive, got ${request.timeoutMs}`);
  }
}

/**
 * The builder's command: Debian packages from the hints first (the only
 * step that needs the network), then `pip wheel` of the sdist alone (no
 * index, no dependencies, no build isolation: build dependencies come from
 * the builder or the hints, so a build is reproducible). Dynamic values are
 * arguments of the script, never part of it, except validated package names.
 */
function command(request: WheelBuildRequest): string[] {
  const packages = request.hints.debianPackages;
  const script = [
    'set -e',
    ...(packages.length
      ? [
          `echo "Installing Debian packages (hints): ${packages.join(' ')}"`,
          'apt-get update -qq',
          `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${packages.join(
            ' ',
          )}`,
        ]
      : []),
    // Build requirements this plan built in earlier rounds (Cython, cffi…).
    'if ls /in/*.whl >/dev/null 2>&1; then',
    '  echo "Installing build requirements built in earlier rounds:" /in/*.whl',
    '  python3 -m pip install -q --no-deps --no-index --no-cache-dir --break-system-packages /in/*.whl',
    'fi',
    'mkdir -p /out',
    'exec python3 -m pip wheel --no-deps --no-build-isolation --no-index --no-cache-dir -w /out "$@"',
  ].join('\n');
  const settings = Object.entries(request.hints.configSettings).map(
    ([k, v]) => `--config-settings=${k}=${v}`,
  );
  return [
    'sh',
    '-c',
    script,
    'sh',
    ...settings,
    `/in/${request.sdist.filename}`,
  ];
}

/**
 * Builds the wheels of one sdist in a fresh container of the builder: the
 * sdist is copied in, the build's output goes line by line to `onLog`, the
 * container is killed past `timeoutMs` or when `signal` aborts, and the
 * wheels in `/out` are copied back. Without Debian packages to install the
 * container has no network at all. The container is removed in every case.
 */
export async function runWheelBuild(
  docker: Dockerode,
  request: WheelBuildRequest,
): Promise<WheelBuildOutcome> {
  validateWheelBuild(request);
  const log: string[] = [];
  const outcome = await runBuilderContainer(docker, {
    image: request.builder,
    platform: request.platform,
    cmd: command(request),
    env: request.hints.env,
    files: [request.sdist, ...(request.buildDependencies ?? [])],
    network: request.hints.debianPackages.length ? 'host' : 'none',
    timeoutMs: request.timeoutMs,
    collect: '/out',
    purpose: `build ${request.sdist.filename}`,
    onLog: line => {
      log.push(line);
      request.onLog?.(line);
    },
    signal: request.signal,
  });
  return {
    exitCode: outcome.exitCode,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
    wheels: outcome.collected.filter(f => f.filename.endsWith('.whl')),
    log,
  };
}
