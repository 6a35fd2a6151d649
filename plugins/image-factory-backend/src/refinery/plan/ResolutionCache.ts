import { createHash } from 'crypto';
import { Knex } from 'knex';
import type { ResolvedDistribution } from './resolveTarget';

const TABLE = 'refinery_resolutions';
const sha256 = (data: string | Buffer) =>
  createHash('sha256').update(data).digest('hex');

/** What a resolution depends on, besides the upstream pages. */
export interface ResolutionInputs {
  requirements: string[];
  upstream: string;
  python: string;
  platform: string;
  /** The builder's engine image id: another Python or pip may choose otherwise. */
  builderId: string;
}

type Row = {
  key: string;
  distributions: string;
  pages: string;
  resolved_at: Date | string;
};

/**
 * Keeps pip's last resolution per target, and gives it back only while the
 * upstream project pages of everything it chose read the same (sha256 of
 * the PEP 503 page): a new release or a yanked file upstream resolves
 * again. A page that cannot be read resolves again too.
 */
export class ResolutionCache {
  constructor(
    private readonly db: Knex,
    private readonly fetchPage: (
      url: string,
    ) => Promise<Buffer | undefined> = defaultFetchPage,
  ) {}

  private keyOf(inputs: ResolutionInputs) {
    return sha256(
      JSON.stringify([
        [...inputs.requirements].sort(),
        inputs.upstream,
        inputs.python,
        inputs.platform,
        inputs.builderId,
      ]),
    );
  }

  private async pagesOf(upstream: string, projects: string[]) {
    const pages: Record<string, string> = {};
    await Promise.all(
      projects.map(async project => {
        const url = new URL(`${project}/`, upstream).toString();
        const body = await this.fetchPage(url);
        pages[project] = body ? sha256(body) : '';
      }),
    );
    return pages;
  }

  /** The last resolution, if its upstream pages are unchanged. */
  async get(
    inputs: ResolutionInputs,
  ): Promise<ResolvedDistribution[] | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ key: this.keyOf(inputs) })
      .first();
    if (!row) return undefined;
    const recorded = JSON.parse(row.pages) as Record<string, string>;
    const now = await this.pagesOf(inputs.upstream, Object.keys(recorded));
    const same = Object.entries(recorded).every(
      ([project, digest]) => digest !== '' && now[project] === digest,
    );
    return same ? JSON.parse(row.distributions) : undefined;
  }

  async put(
    inputs: ResolutionInputs,
    distributions: ResolvedDistribution[],
    now: Date,
  ): Promise<void> {
    const pages = await this.pagesOf(
      inputs.upstream,
      distributions.map(d => d.project),
    );
    await this.db<Row>(TABLE)
      .insert({
        key: this.keyOf(inputs),
        distributions: JSON.stringify(distributions),
        pages: JSON.stringify(pages),
        resolved_at: now,
      })
      .onConflict('key')
      .merge();
  }
}

async function defaultFetchPage(url: string) {
  try {
    const res = await fetch(url, {
      headers: { accept: 'text/html' },
      signal: AbortSignal.timeout(10_000),
    });
    return res.ok ? Buffer.from(await res.arrayBuffer()) : undefined;
  } catch {
    return undefined;
  }
}
