import Dockerode from 'dockerode';
import { normalizeProjectName } from '@image-factory/plugin-image-factory-common';
import { runBuilderContainer } from '../build/runBuilderContainer';

/** One distribution pip's resolver chose for a target. */
export interface ResolvedDistribution {
  /** PEP 503 name. */
  project: string;
  version: string;
  /** Where pip would download it. */
  url: string;
  /** An sdist to build, or a wheel upstream already has for the target. */
  kind: 'sdist' | 'wheel';
  sha256?: string;
  /** Requirements of its METADATA (Requires-Dist). */
  requiresDist: string[];
  /** Whether the set asked for it, rather than a dependency. */
  requested: boolean;
}

/** What pip's resolver made of a set's requirements on a target, or why it could not. */
export type ResolvedTarget =
  | { ok: true; distributions: ResolvedDistribution[]; log: string[] }
  | { ok: false; error: string; log: string[] };

interface PipReport {
  install?: Array<{
    requested?: boolean;
    download_info?: {
      url?: string;
      archive_info?: { hash?: string; hashes?: Record<string, string> };
    };
    metadata?: { name?: string; version?: string; requires_dist?: string[] };
  }>;
}

const sha256Of = (info?: { hash?: string; hashes?: Record<string, string> }) =>
  info?.hashes?.sha256 ??
  (info?.hash?.startsWith('sha256=') ? info.hash.slice(7) : undefined);

/** Reads pip's installation report (pip ≥ 22.2, `--report`). */
export function readPipReport(text: string): ResolvedDistribution[] {
  const report = JSON.parse(text) as PipReport;
  return (report.install ?? []).map(item => {
    const url = item.download_info?.url ?? '';
    const path = new URL(url).pathname;
    return {
      project: normalizeProjectName(item.metadata?.name ?? ''),
      version: item.metadata?.version ?? '',
      url,
      kind: path.endsWith('.whl') ? 'wheel' : 'sdist',
      sha256: sha256Of(item.download_info?.archive_info),
      requiresDist: item.metadata?.requires_dist ?? [],
      requested: item.requested === true,
    };
  });
}

/**
 * Runs pip's own resolver in the builder of the target (through QEMU for a
 * foreign platform), so that what it picks is what pip on that platform
 * would pick: `pip install --dry-run --report` against the set's upstream
 * index, ignoring what the builder has installed. A wheel upstream already
 * has for the target comes back as `wheel`; the rest are sdists to build.
 */
export async function resolveTarget(
  docker: Dockerode,
  request: {
    builder: string;
    platform: string;
    requirements: string[];
    /** The PEP 503 index, e.g. https://pypi.org/simple/. */
    upstream: string;
    timeoutMs: number;
    onLog?: (line: string) => void;
  },
): Promise<ResolvedTarget> {
  const log: string[] = [];
  const script = [
    'set -e',
    'mkdir -p /out',
    'index="$1"; shift',
    'exec python3 -m pip install --dry-run --ignore-installed --no-build-isolation --no-cache-dir --disable-pip-version-check --quiet --report /out/report.json --index-url "$index" -- "$@"',
  ].join('\n');
  const outcome = await runBuilderContainer(docker, {
    image: request.builder,
    platform: request.platform,
    cmd: ['sh', '-c', script, 'sh', request.upstream, ...request.requirements],
    env: { PIP_ROOT_USER_ACTION: 'ignore' },
    files: [],
    network: 'host',
    timeoutMs: request.timeoutMs,
    collect: '/out',
    purpose: `plan ${request.platform}`,
    onLog: line => {
      log.push(line);
      request.onLog?.(line);
    },
  });
  const report = outcome.collected.find(f => f.filename === 'report.json');
  if (outcome.exitCode !== 0 || !report) {
    const reason =
      log.find(l => l.startsWith('ERROR: ')) ??
      (outcome.timedOut
        ? 'the resolver ran past its timeout'
        : `pip exited with code ${outcome.exitCode}`);
    return {
      ok: false,
      error: `Resolving on ${request.platform}: ${reason.replace(
        /^ERROR: /,
        '',
      )}`,
      log,
    };
  }
  return {
    ok: true,
    distributions: readPipReport(report.bytes.toString('utf8')),
    log,
  };
}
