import { RegistryResponseError } from './errors';
import { parseTagList, tagPage } from './tagList';

const context = {
  registry: 'r.example',
  repository: 'team/app',
  operation: 'GET tag list of r.example/team/app',
};
const url = 'https://r.example/v2/team/app/tags/list?n=2';

describe('tagPage', () => {
  it('takes the next page from the Link header, relative or absolute', () => {
    expect(
      tagPage(
        ['a', 'b'],
        '</v2/team/app/tags/list?n=2&last=b>; rel="next"',
        url,
        { n: 2 },
        context,
      ),
    ).toEqual({ tags: ['a', 'b'], next: { last: 'b', n: 2 } });
    expect(
      tagPage(
        ['a'],
        '<https://r.example/v2/team/app/tags/list?last=opaque%3D>; rel="next"',
        url,
        { n: 2 },
        context,
      ),
    ).toEqual({ tags: ['a'], next: { last: 'opaque=', n: 2 } });
  });

  it('continues after the page when a full page came without a Link', () => {
    expect(tagPage(['a', 'b'], null, url, { n: 2 }, context)).toEqual({
      tags: ['a', 'b'],
      next: { last: 'b', n: 2 },
    });
    expect(tagPage(['c'], null, url, { n: 2, last: 'b' }, context)).toEqual({
      tags: ['c'],
    });
  });

  it('pages itself, in lexical order, when the registry ignored n and last', () => {
    const everything = ['d', 'b', 'a', 'e', 'c'];
    expect(tagPage(everything, null, url, { n: 2 }, context)).toEqual({
      tags: ['a', 'b'],
      next: { last: 'b', n: 2 },
    });
    expect(
      tagPage(everything, null, url, { n: 2, last: 'd' }, context),
    ).toEqual({
      tags: ['e'],
    });
  });

  it('refuses a Link back to the same page', () => {
    expect(() =>
      tagPage(['a'], '<?last=a>; rel="next"', url, { last: 'a' }, context),
    ).toThrow(RegistryResponseError);
  });
});

describe('parseTagList', () => {
  it('accepts null tags and refuses anything but strings', () => {
    expect(
      parseTagList(Buffer.from('{"name":"x","tags":null}'), context),
    ).toEqual([]);
    for (const body of ['{"tags":[1]}', '{}', '[]', 'not json']) {
      expect(() => parseTagList(Buffer.from(body), context)).toThrow(
        RegistryResponseError,
      );
    }
  });
});
