import { promises as fs } from 'fs';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  DeferredEntity,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  entry,
  RecordingConnection,
  startFactoryAndCatalog,
} from '../__testUtils__/startFactoryAndCatalog';
import { RecordingLogger } from '../__testUtils__/RecordingLogger';
import { ImagesFileSnapshot } from '@image-factory/plugin-image-factory-common';
import { ImageFactoryEntityProvider } from './ImageFactoryEntityProvider';

type Started = Awaited<ReturnType<typeof startFactoryAndCatalog>>;

function full(mutation: EntityProviderMutation): DeferredEntity[] {
  if (mutation.type !== 'full') throw new Error('expected a full mutation');
  return mutation.entities;
}

const refsOf = (entities: DeferredEntity[], kind?: string) =>
  entities
    .filter(e => !kind || e.entity.kind === kind)
    .map(e => stringifyEntityRef(e.entity));

const PROVIDER_REFS = [
  'provider:default/executor-no-docker',
  'provider:default/registry-local',
  'provider:default/source-github',
];

describe('ImageFactoryEntityProvider, with the image-factory backend in the same backend', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.stop();
    started = undefined;
  });

  it('provides exactly the images and providers the backend read', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}${entry('debian')}`,
    });
    await started.readImagesFile();
    await started.refreshCatalog();

    const snapshot = await started.snapshot();
    const entities = full(started.connection.last);
    expect(refsOf(entities, 'Image')).toEqual([
      'image:default/alpine',
      'image:default/debian',
    ]);
    // The backend's entities as it read them; the catalog adds only the graph.
    for (const image of snapshot.images ?? []) {
      const provided = entities.find(
        e => e.entity.metadata.name === image.metadata.name,
      )?.entity;
      expect(provided?.metadata).toEqual(image.metadata);
      expect(provided?.spec).toMatchObject(image.spec);
    }
    expect(refsOf(entities, 'Provider')).toEqual(PROVIDER_REFS);
    expect(entities.filter(e => e.entity.kind === 'Provider')).toEqual(
      snapshot.providers.map(entity => expect.objectContaining({ entity })),
    );
    expect(new Set(entities.map(e => e.locationKey))).toEqual(
      new Set([`image-factory:${started.file}`]),
    );
    expect(started.logger.at('warn', 'catalog')).toEqual([]);
  });

  it('shows a change to images.yaml after one read by the backend, without a read of its own', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}`,
    });
    await started.readImagesFile();
    const before = started.connection.mutations.length;

    await fs.writeFile(
      started.file,
      `images:\n${entry('alpine')}${entry('nginx')}`,
    );
    // The backend's read announces the new content; the catalog follows at
    // once, before any scheduled refresh of its own.
    await started.readImagesFile();

    expect(started.connection.mutations).toHaveLength(before + 1);
    expect(refsOf(started.connection.catalog, 'Image')).toEqual([
      'image:default/alpine',
      'image:default/nginx',
    ]);
    // Reading the same content again announces nothing.
    await started.readImagesFile();
    expect(started.connection.mutations).toHaveLength(before + 1);
  });

  it('waits for the bases of new images and sends each once, with its dependsOn (a Dockerfile it cannot read does not hold the others)', async () => {
    const sourced = (name: string, type = 'managed') =>
      `  - name: ${name}\n    type: ${type}\n    owner: platform-team\n    reference: localhost:5000/apps/${name}:1\n` +
      `    source:\n      repo: acme/images\n      branch: main\n      dockerfile: ${name}/Dockerfile\n      context: ${name}\n`;
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}`,
      dockerfiles: {
        'base/Dockerfile': 'FROM docker.io/library/alpine:1\n',
        'web/Dockerfile': 'FROM localhost:5000/apps/base:1\nRUN true\n',
      },
    });
    await started.readImagesFile();
    const before = started.connection.mutations.length;

    await fs.writeFile(
      started.file,
      `images:\n${entry('alpine')}${sourced('base', 'base')}${sourced(
        'web',
      )}${sourced('gone')}`,
    );
    // The read announces the new images; the backend reads their
    // Dockerfiles at once and announces their bases; only then do they go.
    await started.readImagesFile();

    const sent = started.connection.mutations.slice(before);
    expect(sent).toHaveLength(1);
    const images = sent.flatMap(m =>
      (m.type === 'full' ? m.entities : m.added).filter(
        e => e.entity.kind === 'Image',
      ),
    );
    const dependsOn = Object.fromEntries(
      images.map(e => [e.entity.metadata.name, e.entity.spec?.dependsOn]),
    );
    expect(dependsOn).toEqual({
      base: ['image:default/alpine'],
      web: ['image:default/base'],
      // Its Dockerfile is not found: known to have no bases, not waited for.
      gone: undefined,
    });
    expect(
      started.logger.at('warn', 'image-factory').map(r => r.message),
    ).toEqual(['Reading a Dockerfile failed']);
  });

  it('answers a reader that has the current images, graph and stages with 304s, and the catalog then does nothing', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}`,
    });
    await started.readImagesFile();
    const etags: Record<string, string> = {};
    for (const path of ['images-file', 'graph', 'lifecycle']) {
      const first = await started.getBackend(path);
      expect(first.status).toBe(200);
      etags[path] = first.headers.get('etag')!;
      expect(etags[path]).toMatch(/^W\/"/);
    }
    // Read again: only the time of the read differs.
    await fs.writeFile(started.file, `images:\n${entry('alpine')}`);
    await started.readImagesFile();
    for (const path of ['images-file', 'graph', 'lifecycle']) {
      const again = await started.getBackend(path, {
        'If-None-Match': etags[path],
        // Else fetch asks for a full answer (no-cache), as the module does not.
        'Cache-Control': 'max-age=0',
      });
      expect([path, again.status]).toEqual([path, 304]);
    }
    const before = started.connection.mutations.length;
    await started.refreshCatalog();
    expect(started.connection.mutations).toHaveLength(before);

    // New content: a new answer, and the catalog gets it.
    await fs.writeFile(
      started.file,
      `images:\n${entry('alpine')}${entry('nginx')}`,
    );
    await started.readImagesFile();
    const changed = await started.getBackend('images-file', {
      'If-None-Match': etags['images-file'],
      'Cache-Control': 'max-age=0',
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etags['images-file']);
    expect(refsOf(started.connection.catalog, 'Image')).toEqual([
      'image:default/alpine',
      'image:default/nginx',
    ]);
  });

  it('sends the catalog only what changed: one changed entry is a delta of that one entity', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}${entry('debian')}${entry(
        'nginx',
      )}`,
    });
    await started.readImagesFile();
    expect(started.connection.last.type).toBe('full');
    const before = started.connection.mutations.length;

    await fs.writeFile(
      started.file,
      `images:\n${entry('alpine')}${entry('debian').replace(
        'debian:1',
        'debian:2',
      )}${entry('nginx')}`,
    );
    await started.readImagesFile();

    expect(started.connection.mutations).toHaveLength(before + 1);
    const mutation = started.connection.last;
    if (mutation.type !== 'delta') throw new Error('expected a delta mutation');
    expect(refsOf(mutation.added)).toEqual(['image:default/debian']);
    expect(mutation.added[0].entity.spec?.reference).toBe(
      'docker.io/library/debian:2',
    );
    expect(mutation.added[0].locationKey).toBe(`image-factory:${started.file}`);
    expect(mutation.removed).toEqual([]);

    // A scheduled refresh with nothing new sends nothing.
    await started.refreshCatalog();
    expect(started.connection.mutations).toHaveLength(before + 1);
  });

  it('removes a deleted entry with a delta, under the key it was added with', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}${entry('nginx')}`,
    });
    await started.readImagesFile();

    await fs.writeFile(started.file, `images:\n${entry('alpine')}`);
    await started.readImagesFile();

    const mutation = started.connection.last;
    if (mutation.type !== 'delta') throw new Error('expected a delta mutation');
    expect(mutation.added).toEqual([]);
    expect(mutation.removed).toEqual([
      {
        entityRef: 'image:default/nginx',
        locationKey: `image-factory:${started.file}`,
      },
    ]);
    expect(refsOf(started.connection.catalog, 'Image')).toEqual([
      'image:default/alpine',
    ]);
  });

  it('sends a full mutation again after a failed one, and every 30 refreshes', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}`,
    });
    await started.readImagesFile();
    started.connection.failWith = new Error('catalog database is gone');
    await fs.writeFile(started.file, `images:\n${entry('nginx')}`);
    await started.readImagesFile();
    started.connection.failWith = undefined;

    // The failed delta may or may not have reached the catalog: all again.
    await started.refreshCatalog();
    expect(refsOf(full(started.connection.last), 'Image')).toEqual([
      'image:default/nginx',
    ]);

    const types = [];
    for (let i = 0; i < 30; i++) {
      const before = started.connection.mutations.length;
      await started.refreshCatalog();
      if (started.connection.mutations.length > before) {
        types.push(started.connection.last.type);
      }
    }
    // Nothing changed: only the 30th refresh since the last full one sends.
    expect(types).toEqual(['full']);
  });

  it('keeps its entities and warns once while the backend is unreachable', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}`,
    });
    await started.readImagesFile();
    await started.refreshCatalog();
    const mutations = started.connection.mutations.length;

    started.backendDown(true);
    await started.refreshCatalog();
    await started.refreshCatalog();

    expect(started.connection.mutations).toHaveLength(mutations);
    expect(started.logger.at('warn', 'catalog')).toEqual([
      expect.objectContaining({
        message:
          'Image Factory backend unavailable; the catalog keeps its Image and Provider entities until it answers',
        meta: expect.objectContaining({ taskId: 'image-factory:refresh' }),
      }),
    ]);

    started.backendDown(false);
    await started.refreshCatalog();
    expect(refsOf(full(started.connection.last), 'Image')).toEqual([
      'image:default/alpine',
    ]);
    expect(
      started.logger
        .at('info', 'catalog')
        .map(r => r.message)
        .filter(m => m.includes('readable again')),
    ).toEqual(['Image Factory images are readable again from the backend']);
  });

  it('keeps the images of the last good read when the file breaks, under the same location key', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}`,
    });
    await started.readImagesFile();
    await fs.writeFile(started.file, 'images:\n  - name: [unclosed\n');
    await started.readImagesFile();
    await started.refreshCatalog();

    const entities = full(started.connection.last);
    expect(refsOf(entities, 'Image')).toEqual(['image:default/alpine']);
    expect(new Set(entities.map(e => e.locationKey))).toEqual(
      new Set([`image-factory:${started.file}`]),
    );
  });

  it('only adds the providers while the backend has never read the file', async () => {
    started = await startFactoryAndCatalog();
    await started.readImagesFile();
    await started.refreshCatalog();

    const mutation = started.connection.last;
    if (mutation.type !== 'delta') throw new Error('expected a delta mutation');
    expect(refsOf(mutation.added)).toEqual(PROVIDER_REFS);
    expect(mutation.removed).toEqual([]);

    await fs.writeFile(started.file, `images:\n${entry('alpine')}`);
    await started.readImagesFile();
    expect(refsOf(full(started.connection.last), 'Image')).toEqual([
      'image:default/alpine',
    ]);
  });

  it('logs a failed mutation instead of failing the task', async () => {
    started = await startFactoryAndCatalog({
      imagesYaml: `images:\n${entry('alpine')}`,
    });
    started.connection.failWith = new Error('catalog database is gone');

    await expect(started.refreshCatalog()).resolves.toBeUndefined();

    expect(started.logger.at('error', 'catalog')).toEqual([
      expect.objectContaining({
        message: 'Image Factory catalog refresh failed',
        meta: expect.objectContaining({
          taskId: 'image-factory:refresh',
          error: 'catalog database is gone',
        }),
      }),
    ]);
  });
});

describe('ImageFactoryEntityProvider', () => {
  const imagesFile = async () => {
    throw new Error('not read in this test');
  };

  it('has a stable name and refreshes on demand once connected', async () => {
    const provider = ImageFactoryEntityProvider.fromConfig(
      new ConfigReader({}),
      {
        logger: new RecordingLogger(),
        schedule: { run: async () => {} },
        imagesFile,
      },
    );
    expect(provider.getProviderName()).toBe('image-factory');
    await expect(provider.refresh()).rejects.toThrow(
      'ImageFactoryEntityProvider is not connected yet',
    );
    await provider.connect(new RecordingConnection());
    await expect(provider.refresh()).resolves.toBeUndefined();
  });

  it('waits at most a minute for bases the backend does not read, then sends the images without them', async () => {
    const image = {
      apiVersion: 'imagefactory.dev/v1alpha1',
      kind: 'Image',
      metadata: { name: 'web' },
      spec: {
        type: 'managed',
        owner: 'team-web',
        reference: 'localhost:5000/apps/web:1',
        platforms: ['linux/amd64'],
      },
    };
    const snapshot = {
      location: '/srv/images.yaml',
      ok: true,
      imageCount: 1,
      issues: [],
      revision: 'sha256:1',
      images: [image],
      providers: [],
      providerOwner: 'group:default/platform-team',
    } as unknown as ImagesFileSnapshot;
    let basesUnknown = true;
    const logger = new RecordingLogger();
    const provider = ImageFactoryEntityProvider.fromConfig(
      new ConfigReader({}),
      {
        logger,
        schedule: { run: async () => {} },
        imagesFile: async () => snapshot,
        graph: async () => ({
          nodes: [
            {
              id: 'localhost:5000/apps/web:1',
              entityRef: 'image:default/web',
              type: 'managed',
              reference: 'localhost:5000/apps/web:1',
              ...(basesUnknown ? { basesUnknown: true } : {}),
            },
          ],
          edges: [],
          cycles: [],
          problems: [],
          sourceProblems: [],
        }),
      },
    );
    const connection = new RecordingConnection();
    await provider.connect(connection);
    let now = Date.parse('2026-12-07T10:00:00Z');
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      await provider.refresh();
      now += 59_000;
      await provider.refresh();
      expect(connection.mutations).toEqual([]);

      now += 2_000;
      await provider.refresh();
      expect(refsOf(connection.catalog)).toEqual(['image:default/web']);
      expect(logger.at('info').map(r => [r.message, r.meta])).toEqual([
        [
          'Image Factory images go to the catalog without dependsOn: their Dockerfiles are not read yet',
          { images: 1 },
        ],
      ]);
      // Once sent, later refreshes do not wait again, nor log again.
      now += 1_000;
      await provider.refresh();
      expect(logger.at('info')).toHaveLength(1);

      // Known at last: the next images that wait wait afresh.
      basesUnknown = false;
      await provider.refresh();
      basesUnknown = true;
      const sent = connection.mutations.length;
      (snapshot.images![0].metadata as { description?: string }).description =
        'changed';
      await provider.refresh();
      expect(connection.mutations).toHaveLength(sent);
    } finally {
      clock.mockRestore();
    }
  });

  it('does nothing at all when the backend answers with what it answered last (its 304s)', async () => {
    const snapshot = {
      location: '/srv/images.yaml',
      ok: true,
      imageCount: 0,
      issues: [],
      revision: 'sha256:1',
      images: [],
      providers: [],
      providerOwner: 'group:default/platform-team',
    } as unknown as ImagesFileSnapshot;
    const graph = {
      nodes: [],
      edges: [],
      cycles: [],
      problems: [],
      sourceProblems: [],
    };
    let answer = () => snapshot;
    const logger = new RecordingLogger();
    const provider = ImageFactoryEntityProvider.fromConfig(
      new ConfigReader({}),
      {
        logger,
        schedule: { run: async () => {} },
        imagesFile: async () => answer(),
        graph: async () => graph,
      },
    );
    const connection = new RecordingConnection();
    await provider.connect(connection);
    const compared = () =>
      logger
        .at('debug')
        .filter(r => r.message === 'Image Factory entities changed').length;

    await provider.refresh();
    await provider.refresh();
    await provider.refresh();
    // One full mutation; the same answers again are not even compared.
    expect(connection.mutations.map(m => m.type)).toEqual(['full']);
    expect(compared()).toBe(0);

    // An equal answer that is not the same (a 200 with the same content) is.
    answer = () => ({ ...snapshot });
    await provider.refresh();
    expect(compared()).toBe(1);
    expect(connection.mutations).toHaveLength(1);
  });

  it('needs a scheduler or a schedule', () => {
    expect(() =>
      ImageFactoryEntityProvider.fromConfig(new ConfigReader({}), {
        logger: new RecordingLogger(),
        imagesFile,
      }),
    ).toThrow(
      'ImageFactoryEntityProvider needs either a scheduler or a schedule',
    );
  });

  it('stops at startup on a bad schedule, naming the key', () => {
    expect(() =>
      ImageFactoryEntityProvider.fromConfig(
        new ConfigReader({
          imageFactory: { images: { schedule: { frequency: 'often' } } },
        }),
        { logger: new RecordingLogger(), imagesFile },
      ),
    ).toThrow(/^imageFactory\.images\.schedule:/);
  });
});
