import { parseOwnerRef } from './parseOwnerRef';

describe('parseOwnerRef', () => {
  it('returns the full ref of an owner the catalog accepts', () => {
    expect(parseOwnerRef('platform-team')).toBe('group:default/platform-team');
    expect(parseOwnerRef('user:jane')).toBe('user:default/jane');
    expect(parseOwnerRef('group:infra/builders')).toBe('group:infra/builders');
  });

  it.each(['', ' ', 'team web', 'group:', 'group:default/', 'a:b:c', 'x/y/z'])(
    'returns undefined for %p',
    text => {
      expect(parseOwnerRef(text)).toBeUndefined();
    },
  );
});
