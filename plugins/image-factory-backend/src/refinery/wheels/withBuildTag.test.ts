import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import {
  buildTestWheel,
  pipEnvironment,
  PYTHON,
} from '../__testUtils__/buildTestWheel';
import { checkWheel } from './checkWheel';
import { nextBuildTag, withBuildTag } from './withBuildTag';

const run = promisify(execFile);
jest.setTimeout(120_000);

describe('withBuildTag', () => {
  let wheel: { filename: string; bytes: Buffer };
  let dir: string;

  beforeAll(async () => {
    wheel = await buildTestWheel({ name: 'rebuilt-pkg', version: '1.0' });
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'build-tag-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('names the build in the file name and in WHEEL, and keeps RECORD true (wheel unpack checks it)', async () => {
    expect(wheel.filename).toBe('rebuilt_pkg-1.0-py3-none-any.whl');
    const tagged = await withBuildTag(wheel.filename, wheel.bytes, 2);
    expect(tagged.filename).toBe('rebuilt_pkg-1.0-2-py3-none-any.whl');
    const zip = await JSZip.loadAsync(tagged.bytes);
    expect(
      await zip.file('rebuilt_pkg-1.0.dist-info/WHEEL')!.async('string'),
    ).toMatch(/\nBuild: 2\n$/);
    // The checks the index runs accept it, with its build tag.
    const checked = await checkWheel(tagged.filename, tagged.bytes);
    expect(checked.filename).toBe(tagged.filename);

    await fs.writeFile(path.join(dir, tagged.filename), tagged.bytes);
    // `wheel unpack` verifies every file against RECORD's hash.
    await run(
      PYTHON,
      ['-m', 'wheel', 'unpack', '-d', path.join(dir, 'out'), tagged.filename],
      { cwd: dir },
    );
  });

  it('makes pip prefer the newest build of a version', async () => {
    const links = path.join(dir, 'links');
    await fs.mkdir(links);
    await fs.writeFile(path.join(links, wheel.filename), wheel.bytes);
    const second = await withBuildTag(wheel.filename, wheel.bytes, 1);
    await fs.writeFile(path.join(links, second.filename), second.bytes);
    const report = path.join(dir, 'report.json');
    await run(
      PYTHON,
      [
        '-m',
        'pip',
        '--isolated',
        '--disable-pip-version-check',
        'install',
        '--dry-run',
        '--ignore-installed',
        '--no-index',
        '--find-links',
        links,
        '--report',
        report,
        'rebuilt-pkg==1.0',
      ],
      { env: pipEnvironment() },
    );
    const chosen = JSON.parse(await fs.readFile(report, 'utf8')).install[0]
      .download_info.url as string;
    expect(chosen).toMatch(/rebuilt_pkg-1\.0-1-py3-none-any\.whl$/);
  });

  it('counts the next free build tag per version and tags', () => {
    const name = 'pkg-1.0-cp311-cp311-linux_x86_64.whl';
    expect(nextBuildTag(name, [name])).toBe(1);
    expect(
      nextBuildTag(name, [
        name,
        'pkg-1.0-1-cp311-cp311-linux_x86_64.whl',
        'pkg-1.0-3-cp311-cp311-linux_x86_64.whl',
        // Another platform's and another version's builds do not count.
        'pkg-1.0-7-cp311-cp311-linux_s390x.whl',
        'pkg-1.1-9-cp311-cp311-linux_x86_64.whl',
      ]),
    ).toBe(4);
  });

  it('refuses a build tag that is not a whole number from 1', async () => {
    await expect(withBuildTag(wheel.filename, wheel.bytes, 0)).rejects.toThrow(
      'build tag must be a whole number from 1, got 0',
    );
  });
});
