import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { DatabaseImagesStore, migrateDatabase } from '../database';
import { ImagesFileWatcher } from './ImagesFileWatcher';

const entry = (name: string) =>
  [
    `  - name: ${name}`,
    '    type: external',
    '    owner: platform-team',
    `    reference: docker.io/library/${name}:1`,
  ].join('\n');

describe('ImagesFileWatcher', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'images-file-watcher-'));
    file = path.join(dir, 'images.yaml');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  async function createWatcher(
    extra: Partial<ConstructorParameters<typeof ImagesFileWatcher>[0]> = {},
  ) {
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase({ getClient: async () => knex });
    const store = DatabaseImagesStore.create({ client: knex });
    let now = new Date('2026-11-23T10:00:00Z');
    const watcher = new ImagesFileWatcher({
      location: file,
      providers: [],
      urlReader: {} as UrlReaderService,
      store,
      logger: mockServices.logger.mock(),
      clock: () => now,
      ...extra,
    });
    return {
      watcher,
      store,
      tick: () => (now = new Date(now.getTime() + 60_000)),
    };
  }

  it('keeps the previous images when the file becomes unreadable YAML', async () => {
    const { watcher, tick } = await createWatcher();
    await fs.writeFile(
      file,
      `images:\n${entry('alpine')}\n${entry('debian')}\n`,
    );
    await watcher.refresh();
    expect(watcher.getImages().map(e => e.metadata.name)).toEqual([
      'alpine',
      'debian',
    ]);

    tick();
    await fs.writeFile(file, 'images:\n  - name: [unclosed\n');
    const status = await watcher.refresh();
    expect(status.ok).toBe(false);
    expect(status.error).toMatch(/could not be parsed: invalid YAML/);
    expect(status.imageCount).toBe(2);
    expect(watcher.getImages().map(e => e.metadata.name)).toEqual([
      'alpine',
      'debian',
    ]);
  });

  it('archives an image that leaves the file and restores it when it returns', async () => {
    const { watcher, store, tick } = await createWatcher();
    await fs.writeFile(
      file,
      `images:\n${entry('alpine')}\n${entry('debian')}\n`,
    );
    await watcher.refresh();
    tick();
    await fs.writeFile(file, `images:\n${entry('alpine')}\n`);
    await watcher.refresh();
    let debian = (await store.list()).find(
      r => r.entityRef === 'image:default/debian',
    );
    expect(debian?.archivedAt).toBeDefined();

    tick();
    await fs.writeFile(
      file,
      `images:\n${entry('alpine')}\n${entry('debian')}\n`,
    );
    await watcher.refresh();
    debian = (await store.list()).find(
      r => r.entityRef === 'image:default/debian',
    );
    expect(debian?.archivedAt).toBeUndefined();
    expect(debian?.firstSeenAt).toEqual(new Date('2026-11-23T10:00:00Z'));
  });

  it('reports a missing file without throwing', async () => {
    const { watcher } = await createWatcher();
    const status = await watcher.refresh();
    expect(status.ok).toBe(false);
    expect(status.error).toContain(`'${file}' does not exist`);
    expect(status.imageCount).toBe(0);
  });
  it('keeps the status small for a hostile file, and the good entry', async () => {
    const { watcher } = await createWatcher();
    const long = 'x'.repeat(10_000);
    const bad = Array.from(
      { length: 500 },
      (_, i) =>
        `  - name: bad-${i}\n    type: "${long}"\n    owner: platform-team\n    reference: docker.io/library/bad:1`,
    );
    await fs.writeFile(
      file,
      `images:\n${entry('alpine')}\n${bad.join('\n')}\n`,
    );
    const status = await watcher.refresh();
    expect(watcher.getImages().map(e => e.metadata.name)).toEqual(['alpine']);
    expect(status.issues).toHaveLength(101);
    expect(status.issues[100].message).toBe(
      'and 400 more issues, not shown here: the backend log lists every one',
    );
    expect(JSON.stringify(status).length).toBeLessThan(30_000);
  });

  it('serves no images and no revision before a good read, then the images of the last good read', async () => {
    const { watcher } = await createWatcher({
      providers: [
        {
          kind: 'registry',
          id: 'local',
          implementation: 'oci',
          endpoint: 'localhost:5000',
        },
      ],
      providerOwner: 'group:default/ops',
    });
    await watcher.refresh();
    const before = watcher.getSnapshot();
    expect(before.images).toBeUndefined();
    expect(before.revision).toBeUndefined();
    expect(before.location).toBe(file);
    expect(before.providerOwner).toBe('group:default/ops');
    expect(before.providers.map(p => [p.metadata.name, p.spec.owner])).toEqual([
      ['registry-local', 'group:default/ops'],
    ]);

    await fs.writeFile(file, `images:\n${entry('alpine')}\n`);
    await watcher.refresh();
    const good = watcher.getSnapshot();
    expect(good.images?.map(e => e.metadata.name)).toEqual(['alpine']);
    expect(good.revision).toMatch(/^sha256:/);

    await fs.writeFile(file, 'images:\n  - name: [unclosed\n');
    await watcher.refresh();
    const broken = watcher.getSnapshot();
    expect(broken.error).toMatch(/could not be parsed/);
    expect(broken.images?.map(e => e.metadata.name)).toEqual(['alpine']);
    expect(broken.revision).toBe(good.revision);
  });

  it('announces each new content once, after the status says so', async () => {
    const announced: Array<{ revision: string; imageCount: number }> = [];
    const { watcher } = await createWatcher({
      onNewRevision: async revision => {
        announced.push({
          revision,
          imageCount: watcher.getStatus().imageCount,
        });
      },
    });
    await fs.writeFile(file, `images:\n${entry('alpine')}\n`);
    await watcher.refresh();
    await watcher.refresh();
    await fs.writeFile(file, 'images:\n  - name: [unclosed\n');
    await watcher.refresh();
    await fs.writeFile(
      file,
      `images:\n${entry('alpine')}\n${entry('debian')}\n`,
    );
    await watcher.refresh();

    expect(announced.map(a => a.imageCount)).toEqual([1, 2]);
    expect(announced[0].revision).not.toBe(announced[1].revision);
  });

  it('still serves the images when announcing them fails', async () => {
    const { watcher } = await createWatcher({
      onNewRevision: async () => {
        throw new Error('events bus down');
      },
    });
    await fs.writeFile(file, `images:\n${entry('alpine')}\n`);
    const status = await watcher.refresh();
    expect(status.ok).toBe(true);
    expect(watcher.getSnapshot().images).toHaveLength(1);
  });
});
