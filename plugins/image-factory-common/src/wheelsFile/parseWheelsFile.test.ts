import { parseRequirement } from './requirement';
import { parseWheelsFile } from './parseWheelsFile';

const VALID = `apiVersion: imagefactory.dev/v1alpha1
wheelSets:
  # Wheels the data team installs on the mainframe.
  - name: data-s390x
    owner: team-data
    requirements:
      - MarkupSafe>=2.1,<3
      - cffi==1.15.*
      - requests[socks] ~= 2.31
    targets:
      - python: cp311
        platforms: [linux/s390x, linux/arm64]
    builder: wheel-builder
    hints:
      - project: cffi
        debianPackages: [libffi-dev]
      - when: { header: yaml.h }
        debianPackages: [libyaml-dev]
`;

describe('parseWheelsFile', () => {
  it('reads a set with its defaults', () => {
    const result = parseWheelsFile(VALID);
    expect(result.issues).toEqual([]);
    expect(result.sets).toEqual([
      {
        name: 'data-s390x',
        owner: 'team-data',
        requirements: [
          'MarkupSafe>=2.1,<3',
          'cffi==1.15.*',
          'requests[socks] ~= 2.31',
        ],
        targets: [
          { python: 'cp311', platforms: ['linux/s390x', 'linux/arm64'] },
        ],
        builder: 'wheel-builder',
        upstream: 'https://pypi.org/simple/',
        proxyUpstream: false,
        timeout: '30m',
        hints: [
          { project: 'cffi', debianPackages: ['libffi-dev'] },
          { when: { header: 'yaml.h' }, debianPackages: ['libyaml-dev'] },
        ],
      },
    ]);
  });

  it('names each bad field of a set with its line, and keeps the good sets', () => {
    const text = `apiVersion: imagefactory.dev/v1alpha1
wheelSets:
  - name: good
    owner: team-data
    requirements: [msgpack]
    targets: [{ python: cp311, platforms: [linux/s390x] }]
    builder: wheel-builder
  - name: Bad_Name
    owner: team-data
    requirements:
      - "numpy>=1.0; python_version<'3.12'"
      - "pandas>>2"
      - "lxml @ https://example.com/lxml.tar.gz"
    targets:
      - { python: py3, platforms: [linux/s390x, linux/sparc] }
    builder: wheel-builder
    upstream: ftp://mirror/simple/
    hints:
      - when: { header: ffi.h, library: ffi }
        debianPackages: [libffi-dev]
      - project: cffi
  - name: good
    owner: team-data
    requirements: [cffi]
    targets: [{ python: cp311, platforms: [linux/amd64, linux/amd64] }]
    builder: wheel-builder
`;
    const result = parseWheelsFile(text);
    expect(result.fatal).toBe(false);
    expect(result.sets.map(s => s.name)).toEqual(['good']);
    const bad = result.issues.filter(i => i.entry === 'Bad_Name');
    expect(bad.every(i => i.line === 8)).toBe(true);
    expect(bad.map(i => `${i.path}: ${i.message}`)).toEqual(
      expect.arrayContaining([
        'wheelSets[1].name: must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit',
        "wheelSets[1].requirements[0]: 'numpy>=1.0; python_version<'3.12'': environment markers are not supported; a set's targets say where wheels are built",
        "wheelSets[1].requirements[1]: 'pandas>>2': '>>2' is not a version specifier such as '>=1.2' or '==2.1.*'",
        "wheelSets[1].requirements[2]: 'lxml @ https://example.com/lxml.tar.gz': direct references are not supported; name a project of the upstream index",
        "wheelSets[1].targets[0].python: must be a CPython tag such as 'cp311'",
        'wheelSets[1].upstream: must be an http(s) URL',
        'wheelSets[1].hints[0].when: must name exactly one of header, library or module',
        'wheelSets[1].hints[1]: must add something: debianPackages, env or configSettings',
      ]),
    );
    expect(
      bad.some(i => i.path === 'wheelSets[1].targets[0].platforms[1]'),
    ).toBe(true);
    expect(result.issues.filter(i => i.entry === 'good')).toEqual([
      {
        path: 'wheelSets[2].name',
        message: "duplicate wheel set name 'good' (first used by wheelSets[0])",
        entry: 'good',
        line: 22,
      },
    ]);
  });

  it('refuses a set without requirements, a repeated target, and files it cannot read', () => {
    const issues = parseWheelsFile(`wheelSets:
  - name: empty
    owner: team-data
    targets: [{ python: cp311, platforms: [linux/amd64, linux/amd64] }]
    builder: b
`).issues.map(i => `${i.path}: ${i.message}`);
    expect(issues).toEqual([
      'wheelSets[0].requirements: must have requirements, a requirementsFile, or both',
      'wheelSets[0].targets[0].platforms[1]: cp311 × linux/amd64 is listed twice',
    ]);
    expect(parseWheelsFile('wheelSets: [').fatal).toBe(true);
    expect(parseWheelsFile('- a\n- b\n')).toMatchObject({
      fatal: true,
      issues: [
        {
          path: '(file)',
          message: "must be a mapping with a 'wheelSets' list",
        },
      ],
    });
    expect(parseWheelsFile('wheelSets: {}\nextra: 1\n').issues).toEqual([
      { path: 'extra', message: 'is not a known field' },
      { path: 'wheelSets', message: 'must be a list of wheel sets' },
    ]);
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;
    expect(parseWheelsFile(bomb).fatal).toBe(true);
  });
});

describe('parseRequirement', () => {
  it('reads names, extras and PEP 440 clauses, normalising the project name', () => {
    expect(parseRequirement('Foo.Bar_baz[a, b] (>=1.0, !=1.2.*)')).toEqual({
      ok: true,
      requirement: {
        name: 'Foo.Bar_baz',
        project: 'foo-bar-baz',
        extras: ['a', 'b'],
        specifiers: ['>=1.0', '!=1.2.*'],
      },
    });
    expect(parseRequirement('msgpack')).toMatchObject({
      ok: true,
      requirement: { project: 'msgpack', specifiers: [] },
    });
    expect(parseRequirement('x>=1.0rc1,<2.0.post1')).toMatchObject({
      ok: true,
    });
    expect(parseRequirement('x~=1')).toEqual({
      ok: false,
      message: "'x~=1': ~= needs at least two release parts, such as ~=1.4",
    });
    expect(parseRequirement('x>=1.*')).toEqual({
      ok: false,
      message: "'x>=1.*': only == and != take a '.*' version ('>=1.*')",
    });
    expect(parseRequirement('-e .')).toMatchObject({ ok: false });
  });
});
