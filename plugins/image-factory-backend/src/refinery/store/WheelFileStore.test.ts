import { TestDatabases } from '@backstage/backend-test-utils';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase } from '../../database/migrateDatabase';
import { DirectoryWheelBlobStore } from './DirectoryWheelBlobStore';
import { WheelFileStore } from './WheelFileStore';

const t0 = new Date('2026-12-05T09:00:00Z');
const file = {
  project: 'markupsafe',
  filename: 'MarkupSafe-2.1.2-cp311-cp311-linux_s390x.whl',
  version: '2.1.2',
  sha256: 'a'.repeat(64),
  size: 25_000,
  metadataSha256: 'b'.repeat(64),
  requiresPython: '>=3.7',
  architecture: 's390x',
  buildKey: 'c'.repeat(64),
  uploadedAt: t0,
};

describe('WheelFileStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it('runs on Postgres when it is provided, and it is under CI', () => {
    const provided = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    expect(databases.supports('POSTGRES_15') || !provided).toBe(true);
    expect(provided || !process.env.CI).toBe(true);
  });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    return WheelFileStore.create({ client: knex });
  }

  it.each(databases.eachSupportedId())(
    'publishes a file name once: same bytes change nothing, other bytes are refused, on %p',
    async databaseId => {
      const store = await createStore(databaseId);
      expect(await store.add(file)).toBe(true);
      expect(await store.add(file)).toBe(false);
      await expect(
        store.add({ ...file, sha256: 'd'.repeat(64) }),
      ).rejects.toThrow(
        `${file.filename} is published already with other contents (sha256 ${file.sha256}); a rebuild that differs needs a new build tag`,
      );
      expect(await store.get('markupsafe', file.filename)).toEqual({
        ...file,
        yanked: false,
      });
      expect(await store.findByBuildKey(file.buildKey)).toMatchObject({
        filename: file.filename,
      });

      // The same bytes built again in another builder: the file stands
      // for the new build from now on.
      const rebuilt = {
        ...file,
        buildKey: 'e'.repeat(64),
        builderId: `sha256:${'f'.repeat(64)}`,
      };
      expect(await store.add(rebuilt)).toBe(false);
      expect(await store.findByBuildKey(rebuilt.buildKey)).toMatchObject({
        filename: file.filename,
        builderId: rebuilt.builderId,
      });
      expect(await store.findByBuildKey(file.buildKey)).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'lists projects and files in name order, and yanks with a reason, on %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await store.add(file);
      await store.add({
        ...file,
        filename: 'MarkupSafe-2.1.1-cp311-cp311-linux_s390x.whl',
        version: '2.1.1',
        sha256: 'e'.repeat(64),
        buildKey: undefined,
        requiresPython: undefined,
      });
      await store.add({
        ...file,
        project: 'cffi',
        filename: 'cffi-1.15.1-cp311-cp311-linux_s390x.whl',
        sha256: 'f'.repeat(64),
      });
      expect(await store.listProjects()).toEqual(['cffi', 'markupsafe']);
      expect(
        (await store.listFiles('markupsafe')).map(f => f.filename),
      ).toEqual([
        'MarkupSafe-2.1.1-cp311-cp311-linux_s390x.whl',
        'MarkupSafe-2.1.2-cp311-cp311-linux_s390x.whl',
      ]);
      expect(
        await store.setYanked('markupsafe', file.filename, {
          reason: 'crashes',
        }),
      ).toBe(true);
      expect(await store.get('markupsafe', file.filename)).toMatchObject({
        yanked: true,
        yankedReason: 'crashes',
      });
      await store.setYanked('markupsafe', file.filename, false);
      const unyanked = await store.get('markupsafe', file.filename);
      expect(unyanked?.yanked).toBe(false);
      expect(unyanked?.yankedReason).toBeUndefined();
      expect(
        await store.setYanked('markupsafe', 'nope-1-py3-none-any.whl', false),
      ).toBe(false);
    },
  );
});

describe('DirectoryWheelBlobStore', () => {
  it('stores bytes under their digest only, and finds corruption on reading', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'wheel-blobs-'));
    try {
      const blobs = new DirectoryWheelBlobStore(root);
      const bytes = Buffer.from('wheel bytes');
      const sha =
        '7b1bb0be2c2ee94bb06f5ea6b28fdf3e2b8d9f9c4b5d4e0f6d8b9a1ae7a3c1f0';
      const actual = createHash('sha256').update(bytes).digest('hex');
      await expect(blobs.put(sha, bytes)).rejects.toThrow(
        `bytes have sha256 ${actual}, not ${sha}`,
      );
      await blobs.put(actual, bytes);
      await blobs.put(actual, bytes);
      expect(await blobs.get(actual)).toEqual(bytes);
      expect(await blobs.get(sha)).toBeUndefined();
      const stored = path.join(root, 'sha256', actual.slice(0, 2), actual);
      expect(await fs.readdir(path.dirname(stored))).toEqual([actual]);
      await fs.writeFile(stored, 'tampered');
      await expect(blobs.get(actual)).rejects.toThrow(
        `stored blob ${actual} is corrupt`,
      );
      await expect(blobs.get('../etc/passwd')).rejects.toThrow(
        'not a sha256 digest',
      );
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
