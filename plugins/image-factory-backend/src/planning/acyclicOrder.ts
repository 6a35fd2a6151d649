/** Kahn's order of the images outside cycles, each after its upstream images. */
export function acyclicOrder(
  members: string[],
  upstreamOf: (entityRef: string) => string[],
): string[] {
  const inSet = new Set(members);
  const pending = new Map(
    members.map(e => [e, upstreamOf(e).filter(u => inSet.has(u))]),
  );
  const out: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending]
      .filter(([, ups]) => ups.every(u => !pending.has(u)))
      .map(([e]) => e)
      .sort();
    if (ready.length === 0) break;
    for (const e of ready) {
      pending.delete(e);
      out.push(e);
    }
  }
  return out;
}
