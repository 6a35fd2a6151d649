import { planRounds, PlannedItem } from './planRounds';

const item = (
  project: string,
  buildAfter: string[] = [],
  action: PlannedItem['action'] = 'build',
): PlannedItem => ({
  project,
  version: '1.0',
  action,
  buildAfter,
});

describe('planRounds', () => {
  it('builds build requirements first, in rounds that can run side by side, and skips what exists', () => {
    expect(
      planRounds([
        item('pyyaml', ['cython']),
        item('cython'),
        item('lxml', ['cython']),
        item('markupsafe'),
        item('cffi', ['pycparser']), // pycparser is not built here: no wait
        item('wheel-upstream', [], 'upstream-wheel'),
        item('bcrypt', ['cffi']),
        item('built-before', [], 'built'),
      ]),
    ).toEqual([
      ['cffi', 'cython', 'markupsafe'],
      ['bcrypt', 'lxml', 'pyyaml'],
    ]);
  });

  it('puts builds that need each other in one last round instead of losing them', () => {
    expect(planRounds([item('a', ['b']), item('b', ['a']), item('c')])).toEqual(
      [['c'], ['a', 'b']],
    );
    expect(planRounds([])).toEqual([]);
  });
});
