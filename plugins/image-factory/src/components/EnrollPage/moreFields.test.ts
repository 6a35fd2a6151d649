import { moreFields, withMoreFields } from './moreFields';

describe('moreFields', () => {
  it('offers the fields of images.yaml the form has no control for, from the schema: watch and retention included', () => {
    expect(moreFields().map(f => f.path)).toEqual([
      'buildArgs',
      'rebuild.schedule',
      'watch.interval',
      'retention.keep',
      'tags',
    ]);
    expect(moreFields().find(f => f.path === 'retention.keep')).toMatchObject({
      kind: 'number',
      description: expect.stringContaining('builds stay in the registry'),
    });
  });

  it('sets the typed values at their paths, keeping what the form set', () => {
    expect(
      withMoreFields(
        { name: 'x', rebuild: { auto: false } },
        {
          'watch.interval': '6h',
          'retention.keep': '5',
          'rebuild.schedule': 'daily',
          tags: 'web, api',
          buildArgs: 'A=1, B = two',
          'unknown.path': 'ignored',
        },
      ),
    ).toEqual({
      name: 'x',
      rebuild: { auto: false, schedule: 'daily' },
      watch: { interval: '6h' },
      retention: { keep: 5 },
      tags: ['web', 'api'],
      buildArgs: { A: '1', B: 'two' },
    });
    expect(withMoreFields({}, { 'retention.keep': ' ' })).toEqual({});
  });
});
