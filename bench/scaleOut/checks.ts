import { SimulationResult } from './simulate';
import { summarize } from './summary';

const HOUR = 3600;

/** The most timestamps in any window of `seconds`. */
function busiest(times: number[], seconds: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= seconds) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * The model's invariants; each failure is a sentence naming what broke.
 * `drained`: the scenario has the capacity and budget to rebuild every
 * change before it ends, so nothing may be left over.
 */
export function checkInvariants(
  result: SimulationResult,
  options: { drained: boolean },
): string[] {
  const failures: string[] = [];
  const fail = (text: string) =>
    failures.push(`${result.params.name}: ${text}`);
  const { params, runs, state, tracking, coverage, org } = result;

  // The queue conserves runs: each is queued once, claimed once, ended once.
  const byStatus = { queued: 0, running: 0, succeeded: 0 };
  for (const run of runs) {
    byStatus[run.status]++;
    if (run.status !== 'queued' && run.claimedAt === undefined)
      fail(`run ${run.id} runs without a claim`);
    if (run.status === 'succeeded' && !(run.finishedAt! >= run.claimedAt!))
      fail(`run ${run.id} ended before its claim`);
    if (run.claimedAt !== undefined && run.claimedAt < run.createdAt)
      fail(`run ${run.id} claimed before it was queued`);
  }
  if (byStatus.queued + byStatus.running + byStatus.succeeded !== runs.length)
    fail('runs lost by the queue');
  const ended = state.reduce((n, s) => n + s.history.length, 0);
  if (ended !== byStatus.succeeded)
    fail(`${byStatus.succeeded} runs succeeded but images recorded ${ended}`);
  if (options.drained && byStatus.queued + byStatus.running > 0) {
    fail(
      `${byStatus.queued} queued and ${byStatus.running} running runs left after the drain`,
    );
  }
  if (result.maxRunningPerReplica > params.concurrentRuns) {
    fail(
      `a replica ran ${result.maxRunningPerReplica} runs at once (concurrentRuns ${params.concurrentRuns})`,
    );
  }
  if (!result.poolsWithinConcurrency)
    fail('an executor pool ran more builds than its concurrency');
  if (result.priorityViolations > 0)
    fail(`${result.priorityViolations} claims passed a queued emergency`);

  // Since 2dddaa2: an emergency is never satisfied by a run that started
  // before it was asked (it built the bases from before the fix).
  if (params.engine === 'current') {
    const early = result.emergencySettled.filter(
      e => e.run.claimedAt! < e.askedAt,
    );
    if (early.length > 0)
      fail(
        `${early.length} emergencies closed by a run started before them, e.g. image ${early[0].image} by run ${early[0].run.id}`,
      );
  }
  // With slots shared by the cluster (as built since c672062, and the
  // late placement), no host builds more than its concurrency, and no more
  // slot rows of a host are held than it has.
  const shared =
    params.placement === 'late-placement' ||
    (params.placement === 'as-built' && params.engine === 'current');
  const most = Math.max(...result.executors.maxRunning);
  if (shared && most > org.concurrency)
    fail(
      `a host ran ${most} builds at once with shared slots (concurrency ${org.concurrency})`,
    );
  if (result.executors.maxHeld > org.concurrency)
    fail(
      `${result.executors.maxHeld} slot rows of one host held at once (concurrency ${org.concurrency})`,
    );

  // Requests never exceed a host's budget: in any hour at most burst + rate
  // token takes, plus the one GET a HEAD may put on credit.
  for (const host of tracking.hosts.values()) {
    if (!host.bucket) continue;
    // Per-replica budgets (before cf59f9d) allow each replica its own.
    const n = host.buckets.length;
    const requestsPerHour = host.bucket.requestsPerHour * n;
    const burst = host.bucket.burst * n;
    const heads = busiest(host.heads, HOUR);
    const all = busiest([...host.heads, ...host.gets], HOUR);
    if (heads > burst + requestsPerHour)
      fail(
        `${host.params.host}: ${heads} HEADs in one hour, budget ${burst} + ${requestsPerHour}`,
      );
    if (all > burst + requestsPerHour + n)
      fail(
        `${host.params.host}: ${all} requests in one hour, budget ${burst} + ${requestsPerHour} + ${n} on credit`,
      );
  }

  // Since 4cacbf2 a short budget is slower, never starving: when the tokens
  // of the whole simulation are at least twice the host's references (room
  // for the GETs on credit), every reference was checked.
  if (params.engine === 'current') {
    for (const host of tracking.hosts.values()) {
      if (!host.bucket) continue;
      const refs = org.bases.filter(b => b.host === host.params.host).length;
      const tokens =
        host.bucket.burst +
        (host.bucket.requestsPerHour * result.seconds) / HOUR;
      if (tokens >= 2 * refs && host.checked.size < refs)
        fail(
          `${host.params.host}: ${
            refs - host.checked.size
          } of ${refs} references never checked with ${Math.floor(
            tokens,
          )} tokens`,
        );
    }
  }

  // Every base change leads to each of its dependents rebuilt once with it.
  const open = coverage.open();
  if (options.drained && open.length > 0) {
    fail(
      `${open.length} base changes still wait for dependents, e.g. base ${open[0].base} for ${open[0].remaining.size} images`,
    );
  }
  const served = new Map<string, number>();
  for (const s of coverage.served) {
    const key = `${coverage.updates.indexOf(s.update)}/${s.image}`;
    served.set(key, (served.get(key) ?? 0) + 1);
  }
  const twice = [...served.values()].filter(n => n > 1).length;
  if (twice > 0)
    fail(`${twice} (change, image) pairs were counted rebuilt twice`);
  const expected = coverage.updates.reduce(
    (n, u) => n + u.dependents - u.remaining.size,
    0,
  );
  if (served.size !== expected)
    fail(`${served.size} rebuilds served changes, ${expected} expected`);

  // … and only once after coalescing: a base-change run always builds
  // something newer than the image's previous successful run, and an image
  // gets no more base-change runs than changes of its bases and golden image.
  const seenChanges = org.bases.map(b => tracking.firstSeen[b.id].size - 1);
  for (const image of org.images) {
    const history = state[image.id].history;
    let previous = {
      bases: new Map(image.bases.map(b => [b, 0])),
      upstreamRun: -1,
    };
    let baseChangeRuns = 0;
    for (const run of history) {
      const inputs = run.inputs!;
      const newer =
        inputs.upstreamRun !== previous.upstreamRun ||
        image.bases.some(
          b => inputs.bases.get(b)! > (previous.bases.get(b) ?? 0),
        );
      if (run.cause === 'base-change') {
        baseChangeRuns++;
        if (!newer)
          fail(`image ${image.id}: run ${run.id} rebuilt unchanged inputs`);
      }
      previous = inputs;
    }
    const upstreamRuns =
      image.upstream === undefined ? 0 : state[image.upstream].history.length;
    const changes =
      image.bases.reduce((n, b) => n + seenChanges[b], 0) + upstreamRuns;
    if (baseChangeRuns > changes)
      fail(
        `image ${image.id}: ${baseChangeRuns} base-change runs for ${changes} changes`,
      );
  }
  return failures;
}

/** The same scenario twice gives the same figures. */
export function checkDeterministic(
  a: SimulationResult,
  b: SimulationResult,
): string[] {
  const x = JSON.stringify(summarize(a));
  const y = JSON.stringify(summarize(b));
  return x === y
    ? []
    : [`${a.params.name}: two runs with seed ${a.params.seed} differ`];
}

/** How many rebuilds coalescing saved: changes seen per dependent (new base digests, golden image builds) against base-change runs. */
export function coalescingSaved(result: SimulationResult): {
  changes: number;
  runs: number;
} {
  const { org, tracking, state } = result;
  let changes = 0;
  for (const image of org.images) {
    for (const b of image.bases) changes += tracking.firstSeen[b].size - 1;
    if (image.upstream !== undefined)
      changes += state[image.upstream].history.length;
  }
  const runs = state.reduce(
    (n, s) => n + s.history.filter(r => r.cause === 'base-change').length,
    0,
  );
  return { changes, runs };
}
