import { nextLinkTarget, parseLinkHeader } from './parseLinkHeader';

describe('parseLinkHeader', () => {
  it('reads targets and parameters, with commas inside the target and quotes', () => {
    expect(
      parseLinkHeader(
        '</v2/a/tags/list?n=2&last=x,y>; rel="next"; title="a, b", <https://r.example/p>; rel=prev',
      ),
    ).toEqual([
      {
        target: '/v2/a/tags/list?n=2&last=x,y',
        params: { rel: 'next', title: 'a, b' },
      },
      { target: 'https://r.example/p', params: { rel: 'prev' } },
    ]);
  });

  it('skips a malformed link and keeps the next one', () => {
    expect(parseLinkHeader('<a> garbage, <b>; rel="next"')).toEqual([
      { target: 'a', params: {} },
      { target: 'b', params: { rel: 'next' } },
    ]);
    expect(parseLinkHeader(null)).toEqual([]);
    expect(parseLinkHeader('no link here')).toEqual([]);
  });
});

describe('nextLinkTarget', () => {
  it('finds rel="next" among relation lists, in any case', () => {
    expect(nextLinkTarget('<p>; rel="prev", <n>; REL="last Next"')).toBe('n');
    expect(nextLinkTarget('<p>; rel="prev"')).toBeUndefined();
  });
});
