import {
  describeEngineLine,
  indexPushedLine,
  platformPushedLine,
} from './digestLogLines';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('digest log lines', () => {
  it('say which digest each line shows', () => {
    expect(
      describeEngineLine(
        `latest-linux-amd64: digest: ${digest('a')} size: 528`,
      ),
    ).toBe(
      `latest-linux-amd64: engine manifest ${digest(
        'a',
      )} (before the factory's labels) size: 528`,
    );
    expect(describeEngineLine('abc123: Pushed')).toBe('abc123: Pushed');
    const platform = platformPushedLine({
      platform: 'linux/amd64',
      engineDigest: digest('a'),
      manifestDigest: digest('b'),
      durationMs: 1234,
    });
    expect(platform).toBe(
      `Pushed linux/amd64 in 1.2 s: platform manifest ${digest(
        'b',
      )} (listed in the image index; engine manifest ${digest(
        'a',
      )} relabelled)`,
    );
    expect(
      platformPushedLine({
        platform: 'linux/amd64',
        engineDigest: digest('b'),
        manifestDigest: digest('b'),
        durationMs: 1000,
      }),
    ).not.toContain('engine manifest');
    expect(indexPushedLine('r/a:1', digest('c'))).toBe(
      `Pushed r/a:1: image index ${digest(
        'c',
      )} (what a pull resolves; it lists each platform manifest above)`,
    );
  });
});
