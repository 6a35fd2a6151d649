import { upToDate } from './upToDate';

const last = {
  id: 'run-1',
  inputsHash: 'sha256:aaa',
  indexDigest: 'sha256:index',
};

describe('upToDate', () => {
  it('ends a run whose inputs hash is the last successful one, with its index', () => {
    expect(upToDate({ force: false }, last, 'sha256:aaa')).toEqual({
      status: 'skipped',
      reason: 'up to date: inputs unchanged since run run-1',
      indexDigest: 'sha256:index',
    });
  });

  it('lets a forced run, a changed input or a first run build', () => {
    expect(upToDate({ force: true }, last, 'sha256:aaa')).toBeUndefined();
    expect(upToDate({ force: false }, last, 'sha256:bbb')).toBeUndefined();
    expect(upToDate({ force: false }, undefined, 'sha256:aaa')).toBeUndefined();
  });

  it('names no index when the last run had none', () => {
    expect(
      upToDate(
        { force: false },
        { id: 'run-0', inputsHash: 'sha256:aaa' },
        'sha256:aaa',
      ),
    ).toEqual({
      status: 'skipped',
      reason: 'up to date: inputs unchanged since run run-0',
    });
  });
});
