import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from '../../database';
import { ResolutionCache } from './ResolutionCache';
import type { ResolvedDistribution } from './resolveTarget';

jest.setTimeout(60_000);

const UPSTREAM = 'http://upstream.test/simple/';
const INPUTS = {
  requirements: ['cffi==1.15.1'],
  upstream: UPSTREAM,
  python: 'cp311',
  platform: 'linux/s390x',
  builderId: 'sha256:builder-1',
};
const RESOLVED: ResolvedDistribution[] = [
  {
    project: 'cffi',
    version: '1.15.1',
    url: `${UPSTREAM}../files/cffi-1.15.1.tar.gz`,
    kind: 'sdist',
    requiresDist: ['pycparser'],
    requested: true,
  },
  {
    project: 'pycparser',
    version: '2.21',
    url: `${UPSTREAM}../files/pycparser-2.21-py3-none-any.whl`,
    kind: 'wheel',
    requiresDist: [],
    requested: false,
  },
];

describe('ResolutionCache', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'reuses a resolution only while its inputs and upstream pages are unchanged, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex });
      const pages: Record<string, string | undefined> = {
        [`${UPSTREAM}cffi/`]: '<a href="cffi-1.15.1.tar.gz">',
        [`${UPSTREAM}pycparser/`]: '<a href="pycparser-2.21-py3-none-any.whl">',
      };
      const cache = new ResolutionCache(knex, async url =>
        pages[url] === undefined ? undefined : Buffer.from(pages[url]!),
      );
      expect(await cache.get(INPUTS)).toBeUndefined();
      await cache.put(INPUTS, RESOLVED, new Date());
      expect(await cache.get(INPUTS)).toEqual(RESOLVED);
      // Requirements in another order are the same requirements.
      expect(
        await cache.get({ ...INPUTS, requirements: [...INPUTS.requirements] }),
      ).toEqual(RESOLVED);

      // Another builder, Python, platform, upstream or requirement: resolve.
      for (const other of [
        { builderId: 'sha256:builder-2' },
        { python: 'cp312' },
        { platform: 'linux/arm64' },
        { upstream: 'http://mirror.test/simple/' },
        { requirements: ['cffi>=1.15'] },
      ]) {
        expect(await cache.get({ ...INPUTS, ...other })).toBeUndefined();
      }

      // A new release of a dependency upstream: resolve again.
      pages[`${UPSTREAM}pycparser/`] +=
        '<a href="pycparser-2.22-py3-none-any.whl">';
      expect(await cache.get(INPUTS)).toBeUndefined();
      // Resolved again, it is kept with the new pages.
      await cache.put(INPUTS, RESOLVED, new Date());
      expect(await cache.get(INPUTS)).toEqual(RESOLVED);

      // Upstream cannot be read: no reuse on faith.
      pages[`${UPSTREAM}cffi/`] = undefined;
      expect(await cache.get(INPUTS)).toBeUndefined();
    },
  );
});
