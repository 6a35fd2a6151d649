/*
 * yarn simulate:scale-out — a discrete-event simulation of the Image Factory
 * for an organisation (default: 10,000 images over 1,500 base references,
 * 100 build hosts, 5 replicas) over a week of base updates, with the engine's
 * own placement (placePlatforms) and rebuild timing (computeTiming) and the
 * per-operation costs measured in this repository or counted in its code
 * (bench/scaleOut/params.ts and dbLoad.ts say which is which). The engine is
 * the current one, with executor slots shared by the cluster (c672062);
 * `--placement replica-slots` gives its slots as they were before c672062 (a
 * semaphore per replica), and `--engine before-fixes` runs the engine at
 * eff59c0, whose figures led to the fixes. Deterministic (seeded), no I/O, a few seconds on
 * 2 cores. docs/scale-out.md explains the model and its figures.
 *
 *   yarn simulate:scale-out                 the tables of docs/scale-out.md
 *   yarn simulate:scale-out --scenario issue --hosts 50 --concurrent-runs 20
 *                                           one scenario, any parameter changed
 *   yarn simulate:scale-out --check         the model's invariants; exit 1 on a failure
 *
 * Flags (for --scenario issue|machine): --engine current|before-fixes
 * --images --bases --hosts --arm64-hosts --replicas --concurrent-runs
 * --host-concurrency --placement as-built|replica-slots|late-placement
 * --race-ms --source-jitter
 * --hub-budget <requests/h> --budget-scope cluster|replica --interval-hours
 * --delay-hours --days --seed --qemu-factor --build-minutes --emergency.
 */
import {
  checkDeterministic,
  checkInvariants,
  coalescingSaved,
} from './scaleOut/checks';
import {
  DOCKER_HUB,
  ISSUE_SCENARIO,
  MACHINE_SCENARIO,
  ScenarioParams,
} from './scaleOut/params';
import {
  dbTable,
  emergencyTable,
  hubTable,
  placementTable,
  queueTable,
  rebuildTable,
  registryTable,
} from './scaleOut/report';
import { simulate, SimulationResult } from './scaleOut/simulate';
import { summarize, Summary } from './scaleOut/summary';

function withHubBudget(
  p: ScenarioParams,
  requestsPerHour: number,
): ScenarioParams {
  return {
    ...p,
    registries: p.registries.map(r =>
      r.host === DOCKER_HUB
        ? {
            ...r,
            budget: { requestsPerHour, burst: Math.ceil(requestsPerHour) },
          }
        : r,
    ),
  };
}

/**
 * The issue's organisation: the engine before the fixes (the figures that led
 * to them), then the current engine with its defaults and one change at a
 * time, then B and C with the slots as they were before c672062 (one
 * semaphore per replica): the race that shared slots fixed.
 */
function sweep(): ScenarioParams[] {
  const before = {
    ...ISSUE_SCENARIO,
    name: 'A0 before fixes',
    engine: 'before-fixes' as const,
  };
  const beforeRuns = {
    ...before,
    name: 'B0 before fixes, concurrentRuns 40',
    concurrentRuns: 40,
  };
  const asBuilt = { ...ISSUE_SCENARIO, name: 'A as built' };
  const runs = { ...asBuilt, name: 'B concurrentRuns 40', concurrentRuns: 40 };
  const budget = { ...withHubBudget(runs, 100), name: 'C + Hub budget 100/h' };
  const replicaSlots = 'replica-slots' as const;
  const runsBefore = {
    ...runs,
    name: 'B1 B, slots per replica (before c672062)',
    placement: replicaSlots,
  };
  const budgetBefore = {
    ...budget,
    name: 'C1 C, slots per replica (before c672062)',
    placement: replicaSlots,
  };
  return [before, beforeRuns, asBuilt, runs, budget, runsBefore, budgetBefore];
}

function parseFlags(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!name.startsWith('--')) throw new Error(`unexpected argument ${name}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--'))
      flags.set(name.slice(2), 'true');
    else flags.set(name.slice(2), argv[++i]);
  }
  return flags;
}

function scenarioFromFlags(flags: Map<string, string>): ScenarioParams {
  const base =
    flags.get('scenario') === 'machine' ? MACHINE_SCENARIO : ISSUE_SCENARIO;
  let p: ScenarioParams = { ...base, name: flags.get('scenario') ?? 'issue' };
  const num = (flag: string, key: keyof ScenarioParams) => {
    const value = flags.get(flag);
    if (value === undefined) return;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new Error(
        `--${flag}: must be a number of at least 0, got ${value}`,
      );
    p = { ...p, [key]: n };
  };
  num('images', 'images');
  num('bases', 'bases');
  num('hosts', 'hosts');
  num('arm64-hosts', 'arm64Hosts');
  num('replicas', 'replicas');
  num('concurrent-runs', 'concurrentRuns');
  num('host-concurrency', 'hostConcurrency');
  num('delay-hours', 'delayHours');
  num('days', 'days');
  num('seed', 'seed');
  num('qemu-factor', 'qemuFactor');
  num('build-minutes', 'buildMedianMinutes');
  num('race-ms', 'placementRaceMs');
  num('source-jitter', 'sourceJitter');
  const placement = flags.get('placement');
  if (placement !== undefined) {
    if (
      placement !== 'as-built' &&
      placement !== 'replica-slots' &&
      placement !== 'late-placement'
    )
      throw new Error(
        `--placement: as-built, replica-slots or late-placement, got ${placement}`,
      );
    p = { ...p, placement };
  }
  const engine = flags.get('engine');
  if (engine !== undefined) {
    if (engine !== 'current' && engine !== 'before-fixes')
      throw new Error(`--engine: current or before-fixes, got ${engine}`);
    p = { ...p, engine };
  }
  const scope = flags.get('budget-scope');
  if (scope !== undefined) {
    if (scope !== 'cluster' && scope !== 'replica')
      throw new Error(`--budget-scope: cluster or replica, got ${scope}`);
    p = { ...p, budgetScope: scope };
  }
  const interval = flags.get('interval-hours');
  if (interval !== undefined) {
    p = {
      ...p,
      registries: p.registries.map(r => ({
        ...r,
        intervalHours: Number(interval),
      })),
    };
  }
  const hub = flags.get('hub-budget');
  if (hub !== undefined) p = withHubBudget(p, Number(hub));
  if (flags.has('emergency')) p = { ...p, emergency: true };
  if (p.hosts < 1 || p.replicas < 1 || p.arm64Hosts >= p.hosts) {
    throw new Error(
      '--hosts and --replicas: at least 1; --arm64-hosts: fewer than --hosts',
    );
  }
  return p;
}

function timed(params: ScenarioParams): {
  result: SimulationResult;
  summary: Summary;
} {
  const start = Date.now();
  const result = simulate(params);
  const summary = summarize(result);
  process.stderr.write(
    `${params.name}: ${result.events.toLocaleString('en-US')} events in ${
      Date.now() - start
    } ms\n`,
  );
  return { result, summary };
}

function printAll(
  list: Summary[],
  emergencies: Array<{ label: string; s: Summary }>,
  replicas: number[],
) {
  console.log('\n### Queue, builds and hosts\n');
  console.log(queueTable(list));
  console.log("\n### Placement: builds beyond a host's concurrency\n");
  console.log(placementTable(list));
  console.log('\n### From a base change to every dependent rebuilt (hours)\n');
  console.log(rebuildTable(list));
  console.log('\n### Database statements per second\n');
  console.log(dbTable(list, replicas));
  console.log(
    '\n### Docker Hub pulls (manifest GETs) in the busiest 6 hours\n',
  );
  console.log(hubTable(list));
  console.log('\n### Emergency rebuilds\n');
  console.log(emergencyTable(emergencies));
}

function runChecks(): number {
  const small: ScenarioParams = {
    ...withHubBudget(ISSUE_SCENARIO, 100),
    name: 'check: 2,000 images, as built (shared slots)',
    images: 2_000,
    bases: 300,
    hosts: 20,
    arm64Hosts: 4,
    replicas: 3,
    concurrentRuns: 14,
    placement: 'as-built',
    days: 3,
    drainDays: 3,
    emergencyDay: 2,
    emergency: true,
  };
  const cases: Array<{ params: ScenarioParams; drained: boolean }> = [
    {
      params: {
        ...MACHINE_SCENARIO,
        name: 'check: machine',
        emergency: true,
        days: 3,
        emergencyDay: 2,
      },
      drained: true,
    },
    { params: small, drained: true },
    {
      params: {
        ...small,
        name: 'check: 2,000 images, slots per replica (before c672062)',
        placement: 'replica-slots',
      },
      drained: true,
    },
    {
      params: {
        ...small,
        name: 'check: 2,000 images, late placement (not built)',
        placement: 'late-placement',
      },
      drained: true,
    },
    // A budget far below what the references need: it must still never be
    // exceeded, and (fair order) every reference is checked.
    {
      params: {
        ...withHubBudget(small, 4),
        name: 'check: 2,000 images, Hub budget 4/h',
      },
      drained: false,
    },
    // The engine before the fixes keeps the invariants it had.
    {
      params: {
        ...small,
        name: 'check: 2,000 images, before fixes',
        placement: 'as-built',
        engine: 'before-fixes',
      },
      drained: false,
    },
  ];
  const failures: string[] = [];
  for (const { params, drained } of cases) {
    const { result } = timed(params);
    failures.push(...checkInvariants(result, { drained }));
    const { changes, runs } = coalescingSaved(result);
    console.log(
      `${params.name}: ${runs} base-change runs for ${changes} base changes seen (new digests and golden image builds) by dependents`,
    );
  }
  failures.push(
    ...checkDeterministic(simulate(cases[0].params), simulate(cases[0].params)),
  );
  if (failures.length > 0) {
    console.log(
      `\n${failures.length} invariant(s) broken:\n${failures
        .map(f => `- ${f}`)
        .join('\n')}`,
    );
    return 1;
  }
  console.log(
    '\nAll invariants hold: runs conserved and claimed once, emergencies first, no emergency closed by a run started before it, no pool over its concurrency, no host over it with shared slots (as built since c672062) and no more slot rows held than a host has, no budget exceeded in any hour, every reference checked when the budget allows it, every base change rebuilt in each dependent exactly once, no rebuild of unchanged inputs, same seed same figures.',
  );
  return 0;
}

function main(): number {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.has('check')) return runChecks();
  if (flags.has('scenario')) {
    const params = scenarioFromFlags(flags);
    const off = timed({ ...params, emergency: false });
    const on = timed({
      ...params,
      name: `${params.name}, emergency`,
      emergency: true,
    });
    console.log(`\n### Registry requests per host (${params.name})\n`);
    console.log(registryTable(off.summary));
    printAll(
      [off.summary],
      [
        { label: 'normal path', s: off.summary },
        { label: 'emergency rebuilds', s: on.summary },
      ],
      [params.replicas],
    );
    return 0;
  }
  const scenarios = sweep();
  const results = scenarios.map(timed);
  const byName = (name: string) =>
    results[scenarios.findIndex(s => s.name.startsWith(`${name} `))];
  const emergencyOf = (name: string) => {
    const params = scenarios.find(s => s.name.startsWith(`${name} `))!;
    return timed({
      ...params,
      name: `${params.name}, emergency`,
      emergency: true,
    });
  };
  const emergencies = ['A0', 'A', 'C', 'C1'].map(name => ({
    name,
    normal: byName(name),
    emergency: emergencyOf(name),
  }));
  const machine = timed(MACHINE_SCENARIO);
  const machineEmergency = timed({
    ...MACHINE_SCENARIO,
    name: 'machine, emergency',
    emergency: true,
  });
  for (const name of ['A0', 'A', 'C']) {
    const { summary } = byName(name);
    console.log(`\n### Registry requests per host (${summary.name})\n`);
    console.log(registryTable(summary));
  }
  console.log(`\n### Registry requests per host (machine)\n`);
  console.log(registryTable(machine.summary));
  printAll(
    [...results.map(r => r.summary), machine.summary],
    [
      ...emergencies.flatMap(e => [
        { label: `${e.normal.summary.name}: normal path`, s: e.normal.summary },
        {
          label: `${e.normal.summary.name}: emergency rebuilds`,
          s: e.emergency.summary,
        },
      ]),
      { label: 'machine: normal path', s: machine.summary },
      { label: 'machine: emergency rebuilds', s: machineEmergency.summary },
    ],
    [...scenarios.map(s => s.replicas), MACHINE_SCENARIO.replicas],
  );
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
