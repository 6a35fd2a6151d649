import { Summary } from './summary';

/** A Markdown table, columns padded so that it reads in a terminal too. */
export function table(
  header: string[],
  rows: Array<Array<string | number>>,
): string {
  const cells = [header, ...rows.map(r => r.map(String))];
  const widths = header.map((_, i) =>
    Math.max(3, ...cells.map(r => r[i].length)),
  );
  const line = (r: string[]) =>
    `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(cells[0]),
    `| ${widths.map(w => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f0 = (x: number) =>
  Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–';
const pct = (x: number) => `${Math.round(x * 100)} %`;

/** Registry requests per host against the budget and what the interval needs. */
export function registryTable(s: Summary): string {
  return table(
    [
      'host',
      'refs',
      'never checked',
      'budget',
      'needed/h',
      'HEAD/h',
      'HEAD peak h',
      'GET/h',
      'gap p50 / p95 h',
      'seen after p50 / p95 h',
    ],
    s.registries
      .filter(r => r.refs > 0)
      .map(r => [
        r.host,
        r.refs,
        r.neverChecked,
        r.budget,
        f1(r.neededPerHour),
        f1(r.headsPerHour),
        r.headsPeakHour,
        f1(r.getsPerHour),
        `${f1(r.checkGapP50)} / ${f1(r.checkGapP95)}`,
        `${f1(r.detectP50)} / ${f1(r.detectP95)}`,
      ]),
  );
}

/** Docker Hub pulls (manifest GETs) in the busiest 6 hours, against its limits. */
export function hubTable(summaries: Summary[]): string {
  return table(
    [
      'scenario',
      'tracking (backend address)',
      'builds, busiest host address',
      'builds, all hosts behind one address',
      'builds through a pull-through mirror',
    ],
    summaries.map(s => [
      s.name,
      s.hubPulls6h.tracking,
      s.hubPulls6h.busiestHost,
      s.hubPulls6h.oneNatAddress,
      s.hubPulls6h.mirror,
    ]),
  );
}

export function queueTable(summaries: Summary[]): string {
  return table(
    [
      'scenario',
      'runs',
      'builds/h mean / peak',
      'queue wait p50 / p95 / max min',
      'executor wait p95 min',
      'run p50 / p95 min',
      'hosts used',
      'utilisation mean / busiest',
      'most builds on one host',
    ],
    summaries.map(s => [
      s.name,
      f0(s.queue.runs),
      `${f1(s.queue.buildsPerHour)} / ${s.queue.buildsPeakHour}`,
      `${f1(s.queue.waitP50)} / ${f1(s.queue.waitP95)} / ${f1(
        s.queue.waitMax,
      )}`,
      f1(s.queue.executorWaitP95),
      `${f1(s.queue.runP50)} / ${f1(s.queue.runP95)}`,
      `${s.hosts.used} of ${s.hosts.total}`,
      `${pct(s.hosts.meanUtil)} / ${pct(s.hosts.busiestUtil)}`,
      s.hosts.maxOnOne,
    ]),
  );
}

/** Where builds went: hosts used, builds beyond a host's concurrency, and builds that waited for another replica's slot. */
export function placementTable(summaries: Summary[]): string {
  return table(
    [
      'scenario',
      'slots',
      'hosts used',
      'most builds on one host',
      "builds started over the host's concurrency",
      'of those: every native host full / count not yet seen',
      'build time over concurrency',
      "waited for another replica's slot",
      'that wait p50 / p95 / max min',
    ],
    summaries.map(s => {
      const shared =
        s.placement === 'late-placement' ||
        (s.placement === 'as-built' && s.engine === 'current');
      return [
        s.name,
        s.placement === 'late-placement'
          ? 'shared, host chosen at the slot (not built)'
          : shared
          ? 'shared (c672062)'
          : 'per replica',
        `${s.hosts.used} of ${s.hosts.total}`,
        s.hosts.maxOnOne,
        `${f0(s.hosts.overStarts)} of ${f0(s.hosts.builds)} (${(
          (100 * s.hosts.overStarts) /
          Math.max(1, s.hosts.builds)
        ).toFixed(1)} %)`,
        s.engine === 'current' && s.placement !== 'late-placement'
          ? `${f0(s.hosts.overOnFull)} / ${f0(
              s.hosts.overStarts - s.hosts.overOnFull,
            )}`
          : '– (no count read)',
        `${(100 * s.hosts.overShare).toFixed(1)} %`,
        s.placement === 'as-built' && s.engine === 'current'
          ? `${f0(s.hosts.slotWaits)} (${(
              (100 * s.hosts.slotWaits) /
              Math.max(1, s.hosts.builds)
            ).toFixed(1)} %)`
          : '–',
        s.hosts.slotWaits > 0
          ? `${f1(s.hosts.slotWaitP50)} / ${f1(s.hosts.slotWaitP95)} / ${f1(
              s.hosts.slotWaitMax,
            )}`
          : '–',
      ];
    }),
  );
}

export function rebuildTable(summaries: Summary[]): string {
  const stage = (s: Summary, name: string) => {
    const st = s.rebuilds.stages.find(x => x.stage === name)!;
    return `${f1(st.p50)} / ${f1(st.p95)}`;
  };
  return table(
    [
      'scenario',
      'base changes',
      'each dependent p50 / p95 h',
      'all dependents p50 / p95 h',
      'seen after',
      'seen → queued',
      'queued → claimed',
      'claimed → built',
      'not rebuilt at the end',
    ],
    summaries.map(s => [
      s.name,
      s.rebuilds.updates,
      `${f1(s.rebuilds.perDependentP50)} / ${f1(s.rebuilds.perDependentP95)}`,
      `${f1(s.rebuilds.allDoneP50)} / ${f1(s.rebuilds.allDoneP95)}`,
      stage(s, 'detect'),
      stage(s, 'plan'),
      stage(s, 'queue'),
      stage(s, 'build'),
      s.openUpdates,
    ]),
  );
}

export function dbTable(summaries: Summary[], replicas: number[]): string {
  const categories = summaries[0].db.perCategory.map(c => c.category);
  const rows: Array<Array<string | number>> = categories.map(category => [
    category,
    ...summaries.map(s =>
      f1(s.db.perCategory.find(c => c.category === category)!.perSecond),
    ),
  ]);
  rows.push([
    '**cluster total**',
    ...summaries.map(s =>
      f1(s.db.perCategory.reduce((a, c) => a + c.perSecond, 0)),
    ),
  ]);
  rows.push(['replicas', ...replicas.map(String)]);
  rows.push([
    '**per replica, mean**',
    ...summaries.map(s => f1(s.db.perReplicaMean)),
  ]);
  rows.push([
    'per replica, busiest minute',
    ...summaries.map(s => f1(s.db.busiestMinute)),
  ]);
  rows.push([
    'longest planner pass, s',
    ...summaries.map(s => f1(s.db.plannerPassSeconds)),
  ]);
  rows.push([
    'planner passes: all / full / planned nothing',
    ...summaries.map(
      s =>
        `${f0(s.db.plannerPasses)} / ${f0(s.db.plannerFullPasses)} / ${f0(
          s.db.plannerIdlePasses,
        )}`,
    ),
  ]);
  rows.push([
    'most statements in one pass',
    ...summaries.map(s => f0(s.db.plannerMaxStatements)),
  ]);
  rows.push([
    'slot polls: tries on a full host / busiest minute per s',
    ...summaries.map(s =>
      s.db.slotPolls > 0
        ? `${f0(s.db.slotPolls)} / ${f1(s.db.slotPollsPeak)}`
        : '–',
    ),
  ]);
  return table(['statements per second', ...summaries.map(s => s.name)], rows);
}

export function emergencyTable(
  rows: Array<{ label: string; s: Summary }>,
): string {
  return table(
    [
      'CVE fix in the most used base',
      'images to rebuild',
      'rebuilt with the fix',
      'those: p50 / p95 h',
      'all images h',
      'emergency runs',
      'joined a queued run / a running run',
      'queued again after a run started before it',
      'closed by a run started before it',
    ],
    rows.map(({ label, s }) => [
      label,
      s.emergency.dependents,
      s.emergency.rebuilt,
      `${f1(s.emergency.p50)} / ${f1(s.emergency.p95)}`,
      s.emergency.rebuilt < s.emergency.dependents
        ? 'never'
        : f1(s.emergency.max),
      s.queue.emergencyRuns,
      `${s.emergency.joinedQueued} / ${s.emergency.joinedRunning}`,
      s.emergency.requeued,
      s.emergency.satisfiedEarly,
    ]),
  );
}
