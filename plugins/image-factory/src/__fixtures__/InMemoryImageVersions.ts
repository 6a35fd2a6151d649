import type {
  ImageVersion,
  ImageVersionComparison,
  ImageVersionList,
  ImageVersionListQuery,
  ImageVersionSource,
} from '@image-factory/plugin-image-factory-common';
import {
  isMachineTag,
  isSemverTag,
} from '../components/ImageVersionsContent/versionFormat';
import { versionSource } from './versions';

/** What a call does instead of its default: reject, or never settle. */
export type ScriptedResult = Error | 'pending';

function settle<T>(result: T | ScriptedResult): Promise<T> {
  if (result === 'pending') return new Promise(() => {});
  if (result instanceof Error) return Promise.reject(result);
  return Promise.resolve(JSON.parse(JSON.stringify(result)));
}

const numbers = (tag: string) =>
  tag
    .replace(/^v/, '')
    .split(/[-+]/)[0]
    .split('.')
    .map(n => Number(n));

const byDate = (a: ImageVersion, b: ImageVersion) =>
  (b.createdAt ?? '').localeCompare(a.createdAt ?? '');

/** Highest first, by each dotted number in turn; versions without one after. */
function bySemver(a: ImageVersion, b: ImageVersion): number {
  const va = a.tags.find(isSemverTag);
  const vb = b.tags.find(isSemverTag);
  if (!va || !vb) return (va ? 0 : 1) - (vb ? 0 : 1) || byDate(a, b);
  const [na, nb] = [numbers(va), numbers(vb)];
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const diff = (nb[i] ?? 0) - (na[i] ?? 0);
    if (diff) return diff;
  }
  return byDate(a, b);
}

/**
 * The versions part of the in-memory ImageFactoryApi: answers like the
 * backend from `versions` (sort, tag filter, machine tags, an offset as the
 * cursor) and records each call.
 */
export class InMemoryImageVersions {
  /** Each image's versions, by image name. */
  versions: Record<string, ImageVersion[]> = {};
  /** Where each image's list comes from (fresh by default). */
  sources: Record<string, ImageVersionSource> = {};
  /** Comparisons by `<from>..<to>`. */
  comparisons: Record<string, ImageVersionComparison> = {};
  /** Consumed one per `listImageVersions` call, before the default. */
  listResults: ScriptedResult[] = [];
  /** Consumed one per `refreshImageVersions` call, before the default. */
  refreshResults: ScriptedResult[] = [];
  /** Every `listImageVersions`, in order. */
  readonly listCalls: Array<{
    name: string;
    query: Partial<ImageVersionListQuery>;
  }> = [];
  /** The image of each `refreshImageVersions`, in order. */
  readonly refreshCalls: string[] = [];
  /** Every `compareImageVersions`, in order. */
  readonly compareCalls: Array<{ name: string; from: string; to: string }> = [];

  list(
    name: string,
    query: Partial<ImageVersionListQuery> = {},
  ): Promise<ImageVersionList> {
    this.listCalls.push({ name, query: { ...query } });
    const scripted = this.listResults.shift();
    if (scripted) return settle<ImageVersionList>(scripted);
    const all = this.versions[name];
    if (!all) return settle<ImageVersionList>(new Error(`No image '${name}'`));
    const matching = all
      .map(v =>
        query.hideMachineTags
          ? { ...v, tags: v.tags.filter(t => !isMachineTag(t)) }
          : v,
      )
      .filter(v => !query.hideMachineTags || v.tags.length > 0)
      .filter(v => !query.q || v.tags.some(t => t.includes(query.q!)))
      .sort(query.sort === 'date' ? byDate : bySemver);
    const offset = Number(query.cursor ?? 0);
    const limit = query.limit ?? 25;
    const newest = [...all].sort(byDate)[0];
    return settle({
      items: matching.slice(offset, offset + limit),
      ...(offset + limit < matching.length && {
        nextCursor: String(offset + limit),
      }),
      total: matching.length,
      newestDigest: newest?.digest,
      source: this.sources[name] ?? versionSource(),
    });
  }

  get(name: string, digest: string): Promise<ImageVersion> {
    const found = this.versions[name]?.find(v => v.digest === digest);
    return settle(found ?? new Error(`No version '${digest}' of '${name}'`));
  }

  compare(
    name: string,
    from: string,
    to: string,
  ): Promise<ImageVersionComparison> {
    this.compareCalls.push({ name, from, to });
    const found = this.comparisons[`${from}..${to}`];
    return settle(found ?? new Error(`Cannot compare ${from} with ${to}`));
  }

  refresh(name: string): Promise<ImageVersionSource> {
    this.refreshCalls.push(name);
    const scripted = this.refreshResults.shift();
    if (scripted) return settle<ImageVersionSource>(scripted);
    const source: ImageVersionSource = {
      ...(this.sources[name] ?? versionSource()),
      state: 'fresh',
      listedAt: new Date().toISOString(),
      unreachableSince: undefined,
      error: undefined,
    };
    this.sources[name] = source;
    return settle(source);
  }
}
