import { parseWheelFilename } from './parseWheelFilename';
import { normalizeProjectName } from './normalizeProjectName';

describe('parseWheelFilename', () => {
  it('takes PEP 427 names apart, with build tags and compressed tag sets', () => {
    expect(
      parseWheelFilename('MarkupSafe-2.1.2-cp311-cp311-linux_s390x.whl'),
    ).toEqual({
      filename: 'MarkupSafe-2.1.2-cp311-cp311-linux_s390x.whl',
      name: 'MarkupSafe',
      project: 'markupsafe',
      version: '2.1.2',
      build: undefined,
      pythonTags: ['cp311'],
      abiTags: ['cp311'],
      platformTags: ['linux_s390x'],
    });
    const withBuild = parseWheelFilename(
      'tiny_refined-1.0.post1-2rebuild-py2.py3-none-any.whl',
    );
    expect(withBuild).toMatchObject({
      project: 'tiny-refined',
      version: '1.0.post1',
      build: '2rebuild',
      pythonTags: ['py2', 'py3'],
      platformTags: ['any'],
    });
  });

  it.each([
    ['tiny-1.0-py3-none-any.tar.gz', 'does not end in .whl'],
    ['tiny-1.0-py3-any.whl', 'must have 5 or 6 dash-separated parts'],
    ['tiny-1.0-x-y-py3-none-any.whl', 'must have 5 or 6 dash-separated parts'],
    ['tiny-1.0-bad-py3-none-any.whl', "build tag 'bad'"],
    ['tiny-one-py3-none-any.whl', "version 'one'"],
    ['_tiny-1.0-py3-none-any.whl', "invalid name '_tiny'"],
    ['tiny-1.0-py3-none-linux s390x.whl', "invalid platform tag 'linux s390x'"],
    ['../tiny-1.0-py3-none-any.whl', 'must be a bare file name'],
  ])('refuses %p, saying it %s', (filename, message) => {
    expect(() => parseWheelFilename(filename)).toThrow(message);
  });

  it('normalizes project names as PEP 503 does', () => {
    for (const name of [
      'Friendly-Bard',
      'friendly.bard',
      'FRIENDLY__bard',
      'friendly-._bard',
    ]) {
      expect(normalizeProjectName(name)).toBe('friendly-bard');
    }
  });
});
