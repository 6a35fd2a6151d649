import JSZip from 'jszip';
import { buildTestSdist } from '../__testUtils__/buildTestSdist';
import { readTestSdist } from '../__testUtils__/wheelBuilder';
import { readBuildRequirements } from './readBuildRequirements';

const PYPROJECT = `[build-system]
requires = ["setuptools>=61", "Cython >= 3.0; python_version >= '3.8'", "cffi", "setuptools"]
build-backend = "setuptools.build_meta"
`;

describe('readBuildRequirements', () => {
  it("reads [build-system] requires of an sdist's pyproject.toml as PEP 503 names", async () => {
    const sdist = await buildTestSdist({
      name: 'needs-cython',
      version: '1.0',
      files: { 'pyproject.toml': PYPROJECT },
    });
    expect(await readBuildRequirements(sdist)).toEqual([
      'setuptools',
      'cython',
      'cffi',
    ]);
  });

  it('reads a .zip sdist too', async () => {
    const zip = new JSZip();
    zip.file('needs_cython-1.0/pyproject.toml', PYPROJECT);
    // A pyproject.toml deeper down (a vendored package) is not the sdist's.
    zip.file(
      'needs_cython-1.0/vendor/pyproject.toml',
      '[build-system]\nrequires = ["nope"]\n',
    );
    const bytes = await zip.generateAsync({ type: 'nodebuffer' });
    expect(
      await readBuildRequirements({ filename: 'needs_cython-1.0.zip', bytes }),
    ).toEqual(['setuptools', 'cython', 'cffi']);
  });

  it('has none for a real setup.py-only sdist, or a pyproject.toml without build-system', async () => {
    expect(
      await readBuildRequirements(
        await readTestSdist('MarkupSafe-2.1.2.tar.gz'),
      ),
    ).toEqual([]);
    const tools = await buildTestSdist({
      name: 'tools-only',
      version: '1.0',
      files: { 'pyproject.toml': '[tool.black]\nline-length = 88\n' },
    });
    expect(await readBuildRequirements(tools)).toEqual([]);
  });

  it('names the file when pyproject.toml or the archive is broken', async () => {
    const broken = await buildTestSdist({
      name: 'broken',
      version: '1.0',
      files: { 'pyproject.toml': '[build-system\nrequires = [' },
    });
    await expect(readBuildRequirements(broken)).rejects.toThrow(
      /^broken-1\.0\.tar\.gz: pyproject\.toml is not valid TOML/,
    );
    await expect(
      readBuildRequirements({
        filename: 'junk-1.0.tar.gz',
        bytes: Buffer.from('not a tarball'),
      }),
    ).rejects.toThrow(/^junk-1\.0\.tar\.gz: cannot be read/);
  });
});
