import type {
  RefineryJob,
  RefineryWheelSummary,
} from '@image-factory/plugin-image-factory-common';
import type { WheelFileStore } from '../store/WheelFileStore';

function statusOf(latest: RefineryJob[]): RefineryWheelSummary['status'] {
  if (latest.some(j => j.status === 'running' || j.status === 'queued')) {
    return 'building';
  }
  if (latest.some(j => j.status === 'failed' || j.status === 'skipped')) {
    return 'failed';
  }
  if (
    latest.length &&
    latest.every(j => j.status === 'built' || j.status === 'reused')
  ) {
    return 'built';
  }
  return 'pending';
}

/**
 * Every project the refinery built or tried to: its published files and
 * the latest build per target, with the sets that asked for it.
 */
export async function wheelSummaries(options: {
  files: Pick<WheelFileStore, 'listProjects' | 'listFiles'>;
  /**
   * The newest build of each project per target, with its run's set, that
   * set's owner, and the builder its plan chose (absent for runs planned
   * before builders were recorded).
   */
  latest: Array<{
    job: RefineryJob;
    set?: string;
    owner?: string;
    builder?: string;
    builderImage?: string;
  }>;
  /** The configured builder image of each platform. */
  builders: Record<string, string>;
}): Promise<RefineryWheelSummary[]> {
  const projects = new Set([
    ...(await options.files.listProjects()),
    ...options.latest.map(l => l.job.project),
  ]);
  const summaries: RefineryWheelSummary[] = [];
  for (const project of [...projects].sort()) {
    const files = (await options.files.listFiles(project)).sort(
      (a, b) => b.uploadedAt.getTime() - a.uploadedAt.getTime(),
    );
    const latest = options.latest.filter(l => l.job.project === project);
    summaries.push({
      project,
      versions: [...new Set(files.map(f => f.version))],
      files: files.map(f => ({
        filename: f.filename,
        version: f.version,
        ...(f.architecture && { architecture: f.architecture }),
        sha256: f.sha256,
        yanked: f.yanked,
      })),
      sets: [...new Set(latest.flatMap(l => (l.set ? [l.set] : [])))].sort(),
      ...(latest.find(l => l.owner) && {
        owner: latest.find(l => l.owner)!.owner,
      }),
      builders: Object.fromEntries(
        latest.flatMap(l => {
          const builder = l.builder ?? options.builders[l.job.platform];
          return builder ? [[l.job.platform, builder]] : [];
        }),
      ),
      ...(latest.some(l => l.builderImage) && {
        builderImages: [
          ...new Set(latest.flatMap(l => l.builderImage ?? [])),
        ].sort(),
      }),
      latest: latest.map(l => l.job),
      status: statusOf(latest.map(l => l.job)),
    });
  }
  return summaries;
}
