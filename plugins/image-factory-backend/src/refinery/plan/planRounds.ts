/** What the plan does with one resolved distribution on one target. */
export interface PlannedItem {
  project: string;
  version: string;
  /** `build` it, or skip it: a wheel upstream has, or one the refinery built. */
  action: 'build' | 'upstream-wheel' | 'built';
  /**
   * Names (PEP 503) of its build requirements the refinery builds in this
   * plan (an earlier round) or built before, installed before it is built.
   */
  buildAfter: string[];
}

/**
 * Orders the builds in rounds: a round holds builds that need nothing of a
 * later round (their build requirements, such as Cython or cffi, are built
 * in an earlier one), so each round can run in parallel. Builds caught in a
 * cycle come last, together, rather than never.
 */
export function planRounds(items: PlannedItem[]): string[][] {
  const builds = new Map(
    items.filter(i => i.action === 'build').map(i => [i.project, i]),
  );
  const done = new Set<string>();
  const rounds: string[][] = [];
  while (done.size < builds.size) {
    const ready = [...builds.values()]
      .filter(i => !done.has(i.project))
      .filter(i =>
        i.buildAfter.every(
          d => done.has(d) || !builds.has(d) || d === i.project,
        ),
      )
      .map(i => i.project)
      .sort();
    if (ready.length === 0) {
      rounds.push([...builds.keys()].filter(p => !done.has(p)).sort());
      break;
    }
    ready.forEach(p => done.add(p));
    rounds.push(ready);
  }
  return rounds;
}
