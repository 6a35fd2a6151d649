import { parseAttachmentTag } from './attachmentTags';
import { isImmutableTag } from './immutableTags';
import { compareTagsBySemver, semverOfTag } from './semverOfTag';

const hex = 'ab'.repeat(32);

describe('immutable tags', () => {
  it('keeps digests only for tags that never move', () => {
    expect(isImmutableTag('latest-20261123T201500.123Z')).toBe(true);
    expect(isImmutableTag('sha-1a2b3c4')).toBe(true);
    expect(isImmutableTag('latest')).toBe(false);
    expect(isImmutableTag('latest-linux-amd64')).toBe(false);
  });
});

describe('attachment tags', () => {
  it('reads cosign and referrers tags as being about a digest', () => {
    expect(parseAttachmentTag(`sha256-${hex}.sig`)).toEqual({
      subject: `sha256:${hex}`,
      kind: 'signature',
    });
    expect(parseAttachmentTag(`sha256-${hex}.att`)?.kind).toBe('attestation');
    expect(parseAttachmentTag(`sha256-${hex}.sbom`)?.kind).toBe('sbom');
    expect(parseAttachmentTag(`sha256-${hex}`)).toEqual({
      subject: `sha256:${hex}`,
      kind: 'referrers',
    });
  });

  it.each([
    'latest',
    'sha-1a2b3c4',
    `md5-${hex}`,
    `sha256-${hex}.txt`,
    'sha256-abc',
  ])('%p is not an attachment tag', tag =>
    expect(parseAttachmentTag(tag)).toBeUndefined(),
  );
});

describe('semantic version tags', () => {
  it('reads full, partial and variant versions', () => {
    expect(semverOfTag('1.2.3')?.version.version).toBe('1.2.3');
    expect(semverOfTag('v1.2')?.version.version).toBe('1.2.0');
    expect(semverOfTag('3.11-slim')).toMatchObject({
      version: expect.objectContaining({ version: '3.11.0' }),
      variant: 'slim',
    });
    expect(semverOfTag('1.2.3-rc.1')?.version.version).toBe('1.2.3-rc.1');
    expect(semverOfTag('1.25.3-alpine')?.variant).toBe('alpine');
  });

  it.each(['latest', 'main', '20261204', 'sha-1a2b3c4', 'v'])(
    '%p has no version',
    tag => expect(semverOfTag(tag)).toBeUndefined(),
  );

  it('orders highest first, a plain version before its variants, others last', () => {
    const tags = [
      'latest',
      '1.2',
      '3.11-slim',
      '1.10.0',
      'v2',
      '3.11',
      '1.2.3-rc.1',
      '1.2.3',
    ];
    expect([...tags].sort(compareTagsBySemver)).toEqual([
      '3.11',
      '3.11-slim',
      'v2',
      '1.10.0',
      '1.2.3',
      '1.2.3-rc.1',
      '1.2',
      'latest',
    ]);
  });
});
