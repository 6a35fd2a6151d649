import {
  ImageVersion,
  ImageVersionComparison,
  ImageVersionPlatformChange,
} from '@image-factory/plugin-image-factory-common';
import { LayerRef, VersionDetails } from './details/types';

const short = (digest?: string) =>
  digest ? `${digest.slice(0, 'sha256:'.length + 12)}…` : 'none';

function layerDiff(from: LayerRef[], to: LayerRef[]) {
  const fromSet = new Set(from.map(l => l.digest));
  const toSet = new Set(to.map(l => l.digest));
  return {
    layersAdded: to.filter(l => !fromSet.has(l.digest)),
    layersRemoved: from.filter(l => !toSet.has(l.digest)),
    layersShared: to.filter(l => fromSet.has(l.digest)).length,
  };
}

/**
 * What differs between two versions, and one line saying why `to` exists:
 * the bases that changed, the source revision, the build args, the platforms.
 */
export function compareVersions(
  from: ImageVersion,
  to: ImageVersion,
  details: Map<string, VersionDetails>,
): ImageVersionComparison {
  const layersOf = (v: ImageVersion, digest?: string) =>
    details.get(v.digest)?.platforms.find(p => p.digest === digest)
      ?.layerRefs ?? [];
  const names = [
    ...new Set([...from.platforms, ...to.platforms].map(p => p.platform)),
  ].sort();
  const platforms: ImageVersionPlatformChange[] = names.map(platform => {
    const a = from.platforms.find(p => p.platform === platform);
    const b = to.platforms.find(p => p.platform === platform);
    let change: ImageVersionPlatformChange['change'] = 'changed';
    if (!a) change = 'added';
    else if (!b) change = 'removed';
    else if (a.digest === b.digest) change = 'same';
    return {
      platform,
      change,
      ...(a && { fromDigest: a.digest, fromSize: a.size }),
      ...(b && { toDigest: b.digest, toSize: b.size }),
      ...layerDiff(layersOf(from, a?.digest), layersOf(to, b?.digest)),
    };
  });

  const baseRefs = [
    ...new Set(
      [...(from.lineage ?? []), ...(to.lineage ?? [])].map(l => l.reference),
    ),
  ].sort();
  const bases = baseRefs.map(reference => {
    const a = from.lineage?.find(l => l.reference === reference)?.digest;
    const b = to.lineage?.find(l => l.reference === reference)?.digest;
    return { reference, ...(a && { from: a }), ...(b && { to: b }) };
  });

  const argsA = from.build?.buildArgs ?? {};
  const argsB = to.build?.buildArgs ?? {};
  const buildArgs = [...new Set([...Object.keys(argsA), ...Object.keys(argsB)])]
    .sort()
    .filter(name => argsA[name] !== argsB[name])
    .map(name => ({
      name,
      ...(argsA[name] !== undefined && { from: argsA[name] }),
      ...(argsB[name] !== undefined && { to: argsB[name] }),
    }));
  const revA = from.build?.sourceRevision;
  const revB = to.build?.sourceRevision;

  const reasons: string[] = [];
  for (const b of bases.filter(x => x.from !== x.to)) {
    reasons.push(
      `base ${b.reference} changed ${short(b.from)} → ${short(b.to)}`,
    );
  }
  if (revA !== revB && (revA || revB)) {
    reasons.push(
      `source ${revA?.slice(0, 7) ?? 'unknown'} → ${
        revB?.slice(0, 7) ?? 'unknown'
      }`,
    );
  }
  if (buildArgs.length > 0) {
    reasons.push(`build args ${buildArgs.map(a => a.name).join(', ')} changed`);
  }
  const added = platforms
    .filter(p => p.change === 'added')
    .map(p => p.platform);
  const removed = platforms
    .filter(p => p.change === 'removed')
    .map(p => p.platform);
  if (added.length) reasons.push(`platforms added: ${added.join(', ')}`);
  if (removed.length) reasons.push(`platforms removed: ${removed.join(', ')}`);
  if (reasons.length === 0) {
    const changed = platforms.filter(p => p.change === 'changed').length;
    reasons.push(
      changed === 0
        ? 'same platforms, bases, source and build args'
        : `${changed} platform(s) differ with the same recorded inputs`,
    );
  }
  const cause = to.build
    ? ` (${to.build.cause}${
        to.build.causeDetail ? `: ${to.build.causeDetail}` : ''
      })`
    : '';
  return {
    from,
    to,
    platforms,
    bases,
    buildArgs,
    ...((revA || revB) && {
      sourceRevision: {
        ...(revA && { from: revA }),
        ...(revB && { to: revB }),
      },
    }),
    summary: `${reasons.join('; ')}${cause}`,
  };
}
