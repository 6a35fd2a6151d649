import { importNames } from './importNames';

describe('importNames', () => {
  const dist = 'MarkupSafe-2.1.2.dist-info';

  it('imports the top_level.txt names and every compiled module by its dotted name', () => {
    expect(
      importNames(
        [
          'markupsafe/__init__.py',
          'markupsafe/_native.py',
          'markupsafe/_speedups.cpython-311-x86_64-linux-gnu.so',
          'markupsafe/_speedups.pyi',
          `${dist}/METADATA`,
          `${dist}/top_level.txt`,
        ],
        dist,
        'markupsafe\n',
      ),
    ).toEqual(['markupsafe', 'markupsafe._speedups']);
  });

  it('falls back to the packages and modules at the top, skipping .data and odd names', () => {
    expect(
      importNames(
        [
          '_cffi_backend.cpython-311-s390x-linux-gnu.so',
          'cffi/__init__.py',
          'cffi/api.py',
          'six.py',
          'cffi-1.15.1.data/scripts/tool',
          'not-a-module/x.py',
          `${dist}/RECORD`,
        ],
        dist,
      ),
    ).toEqual(['_cffi_backend', 'cffi', 'six']);
  });
});
