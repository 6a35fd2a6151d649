import { VersionDetails } from './details/types';
import { groupVersions } from './groupVersions';
import { decodeCursor, encodeCursor, queryVersions } from './queryVersions';

const d = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

function details(
  digest: string,
  createdAt: string,
  platforms: string[] = [],
  extra: Partial<VersionDetails> = {},
): VersionDetails {
  return {
    digest,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    kind: 'image',
    size: 10,
    createdAt,
    platforms: platforms.map(p => ({
      platform: 'linux/amd64',
      digest: p,
      architecture: 'amd64',
      os: 'linux',
      size: 10,
      layers: 1,
      layerRefs: [],
    })),
    attachments: [],
    ...extra,
  };
}

describe('groupVersions and queryVersions', () => {
  const tags = [
    { tag: '1.0.0', digest: d(1) },
    { tag: 'v1.0', digest: d(1) },
    { tag: '1.1.0', digest: d(2) },
    { tag: 'latest', digest: d(2) },
    { tag: 'latest-20261204T101010.000Z', digest: d(2) },
    { tag: 'latest-linux-amd64', digest: d(20) },
    { tag: 'nightly', digest: d(3) },
    { tag: `sha256-${d(2).slice(7)}.sig` },
    { tag: 'signature-of-1', digest: d(9) },
  ];
  const known = new Map([
    [d(1), details(d(1), '2026-01-01T00:00:00Z')],
    [d(2), details(d(2), '2026-02-01T00:00:00Z', [d(20)])],
    [d(3), details(d(3), '2026-03-01T00:00:00Z')],
    [
      d(9),
      details(d(9), '2026-01-02T00:00:00Z', [], {
        kind: 'artifact',
        subject: d(1),
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      }),
    ],
  ]);

  it('groups tags by digest; platform tags, signatures and artifacts join their version', () => {
    const entries = groupVersions(tags, known);
    expect(entries.map(e => e.digest).sort()).toEqual([d(1), d(2), d(3)]);
    const second = entries.find(e => e.digest === d(2))!;
    expect(second.tags).toEqual([
      '1.1.0',
      'latest',
      'latest-20261204T101010.000Z',
    ]);
    expect(second.platformTags.get(d(20))).toEqual(['latest-linux-amd64']);
    expect(second.attachments).toEqual([
      expect.objectContaining({ kind: 'signature', source: 'cosign-tag' }),
    ]);
    expect(entries.find(e => e.digest === d(1))!.attachments).toEqual([
      expect.objectContaining({ kind: 'artifact', digest: d(9) }),
    ]);
  });

  it('sorts by semantic version then date, or by date', () => {
    const entries = groupVersions(tags, known);
    const semver = queryVersions(entries, known, {
      sort: 'semver',
      hideMachineTags: false,
    });
    expect(semver.map(e => e.digest)).toEqual([d(2), d(1), d(3)]);
    const date = queryVersions(entries, known, {
      sort: 'date',
      hideMachineTags: false,
    });
    // d(2)'s run tag says the factory built it on 2026-12-04: that wins over
    // its config's older `created`.
    expect(date.map(e => e.digest)).toEqual([d(2), d(3), d(1)]);
  });

  it('filters by tag text and hides machine tags', () => {
    const entries = groupVersions(tags, known);
    const found = queryVersions(entries, known, {
      sort: 'semver',
      q: 'NIGHT',
      hideMachineTags: false,
    });
    expect(found.map(e => e.digest)).toEqual([d(3)]);
    const hidden = queryVersions(entries, known, {
      sort: 'semver',
      hideMachineTags: true,
    });
    expect(hidden.find(e => e.digest === d(2))!.tags).toEqual([
      '1.1.0',
      'latest',
    ]);
  });

  it('hides a version that has only machine tags', () => {
    const entries = groupVersions(
      [{ tag: 'sha-1a2b3c4', digest: d(5) }],
      new Map(),
    );
    expect(
      queryVersions(entries, new Map(), {
        sort: 'date',
        hideMachineTags: true,
      }),
    ).toEqual([]);
  });

  it('dates versions without details from their run tags', () => {
    const entries = groupVersions(
      [
        { tag: 'latest-20260101T000000Z', digest: d(6) },
        { tag: 'latest-20260301T000000Z', digest: d(7) },
      ],
      new Map(),
    );
    const sorted = queryVersions(entries, new Map(), {
      sort: 'date',
      hideMachineTags: false,
    });
    expect(sorted.map(e => e.digest)).toEqual([d(7), d(6)]);
  });

  it('round-trips cursors and rejects foreign ones naming the field', () => {
    expect(decodeCursor(encodeCursor(50))).toBe(50);
    expect(decodeCursor(undefined)).toBe(0);
    expect(() => decodeCursor('garbage')).toThrow(/^cursor: /);
    expect(() =>
      decodeCursor(Buffer.from('{"o":-1}').toString('base64url')),
    ).toThrow(/cursor/);
  });
});
