import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parseImagesFile } from './parseImagesFile';

const README = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');

describe('the images.yaml example in README.md', () => {
  it('parses with no issue', () => {
    const blocks = [
      ...README.matchAll(/```yaml\n(# yaml-language-server[^]*?)```/g),
    ].map(m => m[1]);
    const full = blocks.find(block => block.includes('images:'));
    expect(full).toBeDefined();
    const result = parseImagesFile(full!);
    expect(result.issues).toEqual([]);
    expect(result.images.map(i => i.name)).toEqual([
      'debian-bookworm',
      'hello-web',
    ]);
  });
});
