import { createHash } from 'crypto';
import Dockerode from 'dockerode';
import type { WheelSet } from '@image-factory/plugin-image-factory-common';
import { parseShortDuration } from '@image-factory/plugin-image-factory-common';
import { hintRulesOf } from './build/hints';
import { refineSdist, RefineResult } from './build/refineSdist';
import { planRounds, PlannedItem } from './plan/planRounds';
import { planTarget } from './plan/planTarget';
import { resolveTarget, ResolvedDistribution } from './plan/resolveTarget';
import type { WheelFileStore } from './store/WheelFileStore';
import type { WheelPublisher } from './WheelPublisher';
import type { RefineryMetrics } from './RefineryMetrics';

/** One target of a set: its plan, and what each build came to. */
export interface TargetRun {
  python: string;
  platform: string;
  /** Why the target could not be planned (a requirement that cannot be met, no builder). */
  error?: string;
  items: PlannedItem[];
  rounds: string[][];
  results: Array<
    { project: string; version: string } & Omit<RefineResult, 'files'> & {
        files: string[];
      }
  >;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function downloadSdist(d: ResolvedDistribution) {
  const response = await fetch(d.url);
  if (!response.ok) {
    throw new Error(`Downloading ${d.url}: HTTP ${response.status}`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (d.sha256 && sha256(bytes) !== d.sha256) {
    throw new Error(
      `Downloading ${d.url}: sha256 ${sha256(bytes)} is not the index's ${
        d.sha256
      }`,
    );
  }
  const filename = decodeURIComponent(
    new URL(d.url).pathname.split('/').pop()!,
  );
  return { filename, bytes };
}

/**
 * Plans and builds a wheel set, target by target: pip resolves the set's
 * requirements in the target's builder; wheels upstream has and wheels
 * built before are skipped; the rest are built round after round (each
 * sdist downloaded from the index and checked against its hash), checked,
 * imported and published. `dryRun` stops after the plan.
 */
export async function runWheelSet(options: {
  docker: Dockerode;
  publisher: WheelPublisher;
  files: Pick<WheelFileStore, 'findByBuildKey' | 'listFiles'>;
  set: WheelSet;
  /** The builder image of each platform. */
  builders: Record<string, string>;
  dryRun?: boolean;
  metrics?: RefineryMetrics;
  onLog?: (line: string) => void;
}): Promise<TargetRun[]> {
  const { set } = options;
  const timeoutMs = parseShortDuration(set.timeout)!;
  const rules = hintRulesOf(set);
  const runs: TargetRun[] = [];
  for (const target of set.targets) {
    for (const platform of target.platforms) {
      const run: TargetRun = {
        python: target.python,
        platform,
        items: [],
        rounds: [],
        results: [],
      };
      runs.push(run);
      const builder = options.builders[platform];
      if (!builder) {
        run.error = `No builder for ${platform}: the refinery has builders for ${
          Object.keys(options.builders).join(', ') || 'no platform'
        }`;
        continue;
      }
      const resolved = await resolveTarget(options.docker, {
        builder,
        platform,
        requirements: set.requirements ?? [],
        upstream: set.upstream,
        timeoutMs,
        onLog: options.onLog,
      });
      if (!resolved.ok) {
        run.error = resolved.error;
        continue;
      }
      run.items = await planTarget(platform, resolved.distributions, p =>
        options.files.listFiles(p),
      );
      run.rounds = planRounds(run.items);
      options.onLog?.(
        `Plan for ${target.python} ${platform}: ${run.items
          .map(i => `${i.project} ${i.version} (${i.action})`)
          .join(', ')}`,
      );
      if (options.dryRun) continue;
      for (const round of run.rounds) {
        for (const project of round) {
          const d = resolved.distributions.find(x => x.project === project)!;
          const result = await refineSdist({
            docker: options.docker,
            publisher: options.publisher,
            files: options.files,
            builder,
            platform,
            project,
            sdist: await downloadSdist(d),
            hintRules: rules,
            timeoutMs,
            onLog: options.onLog,
          });
          options.metrics?.refined(platform, result);
          run.results.push({
            ...result,
            project,
            version: d.version,
            files: result.files.map(f => f.filename),
          });
        }
      }
    }
  }
  return runs;
}
