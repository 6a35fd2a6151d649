import { classifyBuildFailure } from './classifyBuildFailure';
import { parseWheelsFile } from '@image-factory/plugin-image-factory-common';
import {
  DEFAULT_HINT_RULES,
  hintRulesOf,
  hintsAfter,
  hintsFor,
  NO_HINTS,
} from './hints';

const failed = { exitCode: 1, timedOut: false };

// Lines as Debian bookworm's gcc, ld and pip print them.
const CFFI = [
  '  Building wheel for cffi (setup.py): started',
  '      x86_64-linux-gnu-gcc -Wsign-compare -DNDEBUG -g -fwrapv -O2 -Wall -fPIC -I/usr/include/ffi -I/usr/include/python3.11 -c c/_cffi_backend.c -o build/temp.linux-x86_64-cpython-311/c/_cffi_backend.o',
  '      c/_cffi_backend.c:15:10: fatal error: ffi.h: No such file or directory',
  '         15 | #include <ffi.h>',
  '      compilation terminated.',
  "      error: command '/usr/bin/x86_64-linux-gnu-gcc' failed with exit code 1",
  '  ERROR: Failed building wheel for cffi',
];

describe('classifyBuildFailure', () => {
  it('names the missing header before the compiler error it causes', () => {
    expect(classifyBuildFailure(CFFI, failed)).toEqual({
      cause: 'missing-header',
      missing: 'ffi.h',
      transient: false,
      message:
        'Missing system header ffi.h: the builder lacks the package that provides it',
    });
    expect(
      classifyBuildFailure(
        ['src/x.c:3:10: fatal error: openssl/ssl.h: No such file or directory'],
        failed,
      ).missing,
    ).toBe('openssl/ssl.h');
  });

  it('tells a missing library, a missing build module, memory, the network and a plain compiler error apart', () => {
    const cause = (line: string, exitCode = 1) =>
      classifyBuildFailure([line], { exitCode, timedOut: false });
    expect(
      cause('/usr/bin/ld: cannot find -lyaml: No such file or directory'),
    ).toMatchObject({
      cause: 'missing-library',
      missing: 'yaml',
    });
    expect(
      cause("ModuleNotFoundError: No module named 'Cython.Build'"),
    ).toMatchObject({
      cause: 'missing-build-dependency',
      missing: 'Cython',
    });
    expect(
      cause(
        'x86_64-linux-gnu-gcc: fatal error: Killed signal terminated program cc1plus',
      ),
    ).toMatchObject({ cause: 'out-of-memory', transient: false });
    expect(cause('   building', 137).cause).toBe('out-of-memory');
    expect(
      cause(
        'Err:1 http://deb.debian.org/debian bookworm InRelease Temporary failure in name resolution',
      ),
    ).toMatchObject({ cause: 'network', transient: true });
    expect(cause("src/a.c:9:1: error: expected ';' before '}' token")).toEqual({
      cause: 'compiler-error',
      transient: false,
      message:
        "The compiler failed: src/a.c:9:1: error: expected ';' before '}' token",
    });
    expect(cause('something else went wrong', 2)).toMatchObject({
      cause: 'unknown',
      message: 'The build failed with exit code 2',
    });
  });

  it('calls a build killed for its time a timeout, worth a retry', () => {
    expect(
      classifyBuildFailure(CFFI, { exitCode: 137, timedOut: true }),
    ).toMatchObject({
      cause: 'timeout',
      transient: true,
    });
  });
});

describe('hints', () => {
  it('adds the Debian package of a missing header, and nothing twice', () => {
    const failure = classifyBuildFailure(CFFI, failed);
    const next = hintsAfter('cffi', failure, NO_HINTS, DEFAULT_HINT_RULES);
    expect(next).toEqual({
      debianPackages: ['libffi-dev'],
      env: {},
      configSettings: {},
    });
    // Failing the same way with the hint applied: no new hint, no retry.
    expect(
      hintsAfter('cffi', failure, next!, DEFAULT_HINT_RULES),
    ).toBeUndefined();
  });

  it("applies a project's own rules first, and pattern rules of other projects never", () => {
    const rules = [
      { project: 'lxml', env: { STATIC_DEPS: 'false' } },
      {
        project: 'lxml',
        when: {
          cause: 'missing-header' as const,
          missing: 'libxml/xmlversion.h',
        },
        debianPackages: ['libxml2-dev', 'libxslt1-dev'],
      },
      ...DEFAULT_HINT_RULES,
    ];
    expect(hintsFor('lxml', rules)).toEqual({
      debianPackages: [],
      env: { STATIC_DEPS: 'false' },
      configSettings: {},
    });
    expect(hintsFor('cffi', rules)).toEqual(NO_HINTS);
    const failure = {
      cause: 'missing-header' as const,
      missing: 'libxml/xmlversion.h',
      transient: false,
      message: '',
    };
    expect(hintsAfter('lxml', failure, hintsFor('lxml', rules), rules)).toEqual(
      {
        debianPackages: ['libxml2-dev', 'libxslt1-dev'],
        env: { STATIC_DEPS: 'false' },
        configSettings: {},
      },
    );
    expect(hintsAfter('other', failure, NO_HINTS, rules)).toEqual({
      debianPackages: ['libxml2-dev'],
      env: {},
      configSettings: {},
    });
  });

  it("reads a wheels.yaml set's hints into rules that come before the defaults", () => {
    const [set] = parseWheelsFile(`wheelSets:
  - name: s
    owner: team-data
    requirements: [PyYAML, lxml]
    targets: [{ python: cp311, platforms: [linux/s390x] }]
    builder: b
    hints:
      - project: PyYAML
        env: { PYYAML_FORCE_CYTHON: '1' }
      - when: { header: yaml.h }
        debianPackages: [libyaml-0-2, libyaml-dev]
`).sets;
    const rules = hintRulesOf(set);
    expect(rules.slice(0, 2)).toEqual([
      {
        project: 'pyyaml',
        debianPackages: undefined,
        env: { PYYAML_FORCE_CYTHON: '1' },
        configSettings: undefined,
      },
      {
        when: { cause: 'missing-header', missing: 'yaml.h' },
        debianPackages: ['libyaml-0-2', 'libyaml-dev'],
        env: undefined,
        configSettings: undefined,
      },
    ]);
    expect(rules.length).toBe(2 + DEFAULT_HINT_RULES.length);
    expect(hintsFor('pyyaml', rules).env).toEqual({ PYYAML_FORCE_CYTHON: '1' });
    const failure = classifyBuildFailure(
      ['_yaml.c:1:10: fatal error: yaml.h: No such file or directory'],
      failed,
    );
    expect(
      hintsAfter('pyyaml', failure, NO_HINTS, rules)?.debianPackages,
    ).toEqual(['libyaml-0-2', 'libyaml-dev']);
  });
});
