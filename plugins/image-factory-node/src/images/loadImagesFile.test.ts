import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { InMemoryUrlReader } from '../__fixtures__/InMemoryUrlReader';
import {
  isUrlLocation,
  loadImagesFile,
  resolveImagesLocation,
} from './loadImagesFile';

const TEXT = 'images: []\n';

describe('loadImagesFile', () => {
  let dir: string;
  const urlReader = new InMemoryUrlReader();

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-factory-load-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads an absolute path', async () => {
    const file = path.join(dir, 'images.yaml');
    await fs.writeFile(file, TEXT);
    await expect(loadImagesFile(file, urlReader)).resolves.toEqual({
      text: TEXT,
      location: file,
    });
  });

  it('reads a file again when it changed while it was read (written in place), and never returns half of it', async () => {
    const file = path.join(dir, 'images.yaml');
    const full = `images:\n${'  - name: a\n'.repeat(2000)}`;
    // A writer that is halfway through: the first read sees half the file,
    // and the rest arrives while it is read.
    await fs.writeFile(file, full.slice(0, full.length / 2));
    const readFile = fs.readFile;
    const spy = jest.spyOn(fs, 'readFile');
    spy.mockImplementationOnce(async (...args) => {
      const half = await readFile(...(args as Parameters<typeof readFile>));
      await fs.appendFile(file, full.slice(full.length / 2));
      return half;
    });
    try {
      const loaded = await loadImagesFile(file, urlReader);
      expect(loaded.text).toBe(full);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('gives up on a file that keeps changing while it is read, naming imageFactory.images.location', async () => {
    const file = path.join(dir, 'images.yaml');
    await fs.writeFile(file, TEXT);
    const readFile = fs.readFile;
    const spy = jest
      .spyOn(fs, 'readFile')
      .mockImplementation(async (...args) => {
        const text = await readFile(...(args as Parameters<typeof readFile>));
        await fs.appendFile(file, '# more\n');
        return text;
      });
    try {
      await expect(loadImagesFile(file, urlReader)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^imageFactory\.images\.location: '.*' changed while it was read, 5 times/,
        ),
      });
    } finally {
      spy.mockRestore();
    }
  });

  it('resolves a relative path against the working directory', async () => {
    const file = path.join(dir, 'images.yaml');
    await fs.writeFile(file, TEXT);
    const relative = path.relative(process.cwd(), file);
    expect(path.isAbsolute(relative)).toBe(false);

    const loaded = await loadImagesFile(relative, urlReader);
    expect(loaded).toEqual({ text: TEXT, location: file });
  });

  it('rejects a directory, naming imageFactory.images.location', async () => {
    await expect(loadImagesFile(dir, urlReader)).rejects.toMatchObject({
      name: 'InputError',
      message: `imageFactory.images.location: '${dir}' is not a file`,
    });
  });

  it('rejects a missing file, naming imageFactory.images.location', async () => {
    const missing = path.join(dir, 'missing.yaml');
    await expect(loadImagesFile(missing, urlReader)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `imageFactory.images.location: '${missing}' does not exist`,
    });
  });

  it('reads a URL through the UrlReader, with its etag', async () => {
    const url = 'https://github.com/acme/factory-config/blob/main/images.yaml';
    const reader = new InMemoryUrlReader().set(url, TEXT, 'abc123');

    await expect(loadImagesFile(url, reader)).resolves.toEqual({
      text: TEXT,
      location: url,
      etag: 'abc123',
    });
    expect(reader.reads).toEqual([url]);
  });

  it('passes the UrlReader error on', async () => {
    const url = 'https://github.com/acme/factory-config/blob/main/missing.yaml';
    await expect(
      loadImagesFile(url, new InMemoryUrlReader()),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `${url} not found`,
    });
  });
});

describe('isUrlLocation', () => {
  it.each([
    ['https://github.com/a/b/blob/main/images.yaml', true],
    ['HTTP://example.com/images.yaml', true],
    ['images.yaml', false],
    ['../../examples/images.yaml', false],
    ['/srv/images.yaml', false],
  ])('%p → %p', (location, expected) => {
    expect(isUrlLocation(location)).toBe(expected);
  });
});

describe('resolveImagesLocation', () => {
  it('keeps a URL and resolves a path against the working directory', () => {
    const url = 'https://github.com/acme/factory-config/blob/main/images.yaml';
    expect(resolveImagesLocation(url)).toBe(url);
    expect(resolveImagesLocation('config/images.yaml')).toBe(
      path.join(process.cwd(), 'config/images.yaml'),
    );
    expect(resolveImagesLocation('/srv/images.yaml')).toBe('/srv/images.yaml');
  });
});
