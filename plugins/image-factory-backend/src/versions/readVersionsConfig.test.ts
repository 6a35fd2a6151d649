import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import { fillWebUrl } from './fillWebUrl';
import { readVersionsConfig } from './readVersionsConfig';

const read = (versions: JsonValue) =>
  readVersionsConfig(new ConfigReader({ imageFactory: { versions } }));

describe('readVersionsConfig', () => {
  it('has defaults', () => {
    expect(readVersionsConfig(new ConfigReader({}))).toEqual({
      tagsCacheTimeMs: 300_000,
      maxCachedDetails: 20_000,
      maxTags: 10_000,
      webUrls: new Map(),
    });
  });

  it('reads durations, bounds and web page templates', () => {
    const config = read({
      tagsCacheTime: { minutes: 15 },
      maxCachedDetails: 100,
      maxTags: 50,
      webUrls: [
        {
          host: 'harbor.example.com',
          url: 'https://harbor.example.com/harbor/projects/{namespace}/repositories/{name}?tag={tag}',
        },
      ],
    });
    expect(config.tagsCacheTimeMs).toBe(900_000);
    expect(config.maxTags).toBe(50);
    expect(
      fillWebUrl(
        config.webUrls.get('harbor.example.com')!,
        'team/sub/app',
        '1.0',
      ),
    ).toBe(
      'https://harbor.example.com/harbor/projects/team/repositories/sub/app?tag=1.0',
    );
  });

  it.each([
    [{ tagsCacheTime: 'soon' }, /^imageFactory\.versions\.tagsCacheTime: /],
    [
      { maxTags: 0 },
      /^imageFactory\.versions\.maxTags: must be a whole number of at least 1, got 0/,
    ],
    [
      { maxCachedDetails: 'many' },
      /^imageFactory\.versions\.maxCachedDetails: /,
    ],
    [
      { webUrls: [{ host: 'r.example', url: 'ftp://r.example/{repository}' }] },
      /^imageFactory\.versions\.webUrls\[0\]\.url: must be an http\(s\) URL template/,
    ],
    [
      { webUrls: [{ host: 'r.example', url: 'https://r.example/{repo}' }] },
      /unknown placeholder \{repo\}/,
    ],
  ])('rejects %j naming the key', (versions, message) => {
    expect(() => read(versions)).toThrow(message);
  });
});
