import Dockerode from 'dockerode';
import type { WheelSet } from '@image-factory/plugin-image-factory-common';
import { parseShortDuration } from '@image-factory/plugin-image-factory-common';
import { hintRulesOf } from './build/hints';
import { refineSdist, RefineResult } from './build/refineSdist';
import { downloadSdist } from './build/downloadSdist';
import { buildDependencyWheels } from './build/buildDependencyWheels';
import { planWheelSet, TargetPlan } from './plan/planWheelSet';
import type { WheelFileStore } from './store/WheelFileStore';
import type { WheelPublisher } from './WheelPublisher';
import type { RefineryMetrics } from './RefineryMetrics';
import type { BuilderImages } from './builders/BuilderImages';

/** One target of a set: its plan, and what each build came to. */
export interface TargetRun extends Omit<TargetPlan, 'distributions'> {
  results: Array<
    { project: string; version: string } & Omit<RefineResult, 'files'> & {
        files: string[];
      }
  >;
}

/**
 * Plans and builds a wheel set in this process, target by target, round
 * after round, one build at a time (the refinery's queue runs them on its
 * workers instead; this is for a plan's dry run, tests and the bench).
 * `dryRun` stops after the plan.
 */
export async function runWheelSet(options: {
  docker: Dockerode;
  publisher: WheelPublisher;
  files: Pick<WheelFileStore, 'findByBuildKey' | 'listFiles'>;
  set: WheelSet;
  /** The builder image of each platform (\`imageFactory.refinery.builders\`). */
  builders: Record<string, string>;
  /** Chooses each target's builder (a set's factory-built image); absent: the configured ones. */
  builderImages?: BuilderImages;
  dryRun?: boolean;
  metrics?: RefineryMetrics;
  onLog?: (line: string) => void;
}): Promise<TargetRun[]> {
  const { set } = options;
  const timeoutMs = parseShortDuration(set.timeout)!;
  const rules = hintRulesOf(set);
  const plans = await planWheelSet(options);
  const runs: TargetRun[] = [];
  for (const { distributions, ...plan } of plans) {
    const { builder } = plan;
    const run: TargetRun = { ...plan, results: [] };
    runs.push(run);
    if (options.dryRun || !builder) continue;
    for (const round of run.rounds) {
      for (const project of round) {
        const d = distributions.find(x => x.project === project)!;
        const item = plan.items.find(i => i.project === project)!;
        const result = await refineSdist({
          docker: options.docker,
          publisher: options.publisher,
          files: options.files,
          builder,
          platform: plan.platform,
          project,
          sdist: await downloadSdist(d),
          buildDependencies: await buildDependencyWheels(
            options.publisher,
            item.buildAfter.map(p => ({
              project: p,
              version: plan.items.find(i => i.project === p)!.version,
            })),
            plan.platform,
          ),
          hintRules: rules,
          timeoutMs,
          onLog: options.onLog,
        });
        options.metrics?.refined(plan.platform, result);
        run.results.push({
          ...result,
          project,
          version: d.version,
          files: result.files.map(f => f.filename),
        });
      }
    }
  }
  return runs;
}
