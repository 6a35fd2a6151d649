import { parseImagesFile } from './parseImagesFile';

const GOOD = `  - name: good
    type: external
    owner: platform-team
    reference: docker.io/library/debian:bookworm-slim
    platforms: [linux/amd64]
`;

/** Each level repeats the one before ten times: 10^9 strings if expanded. */
function aliasBomb(levels = 9) {
  const lines = ['      a0: &a0 "lol"'];
  for (let i = 1; i <= levels; i++) {
    const refs = Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ');
    lines.push(`      a${i}: &a${i} [${refs}]`);
  }
  return lines.join('\n');
}

describe('parseImagesFile with hostile input', () => {
  it('refuses an entry whose aliases would expand without bound, and keeps the good entry', () => {
    const text = `images:\n${GOOD}  - name: bomb\n    type: external\n    owner: platform-team\n    reference: docker.io/library/busybox:1\n    labels:\n${aliasBomb()}\n`;
    const result = parseImagesFile(text);
    expect(result.images.map(i => i.name)).toEqual(['good']);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      path: 'images[1]',
      entry: 'bomb',
    });
    expect(result.issues[0].message).toMatch(/alias/i);
    expect(JSON.stringify(result).length).toBeLessThan(2_000);
  });

  it('shortens a long bad value in the message', () => {
    const long = 'x'.repeat(100_000);
    const text = `images:\n${GOOD}  - name: long\n    type: "${long}"\n    owner: platform-team\n    reference: docker.io/library/busybox:1\n`;
    const result = parseImagesFile(text);
    expect(result.images.map(i => i.name)).toEqual(['good']);
    const issue = result.issues.find(i => i.path === 'images[1].type');
    expect(issue?.message).toMatch(
      /^must be one of managed, base, external, not 'xxx.*…/,
    );
    expect(issue!.message.length).toBeLessThan(200);
  });

  it('shortens a long unknown field name', () => {
    const key = 'k'.repeat(50_000);
    const text = `images:\n${GOOD}  - name: odd\n    type: external\n    owner: platform-team\n    reference: docker.io/library/busybox:1\n    ${key}: 1\n`;
    const result = parseImagesFile(text);
    expect(result.images.map(i => i.name)).toEqual(['good']);
    expect(JSON.stringify(result.issues).length).toBeLessThan(1_000);
  });
});
