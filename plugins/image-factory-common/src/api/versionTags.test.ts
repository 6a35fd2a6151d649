import { isMachineTag, isVersionTag } from './versionTags';

describe('machine tags', () => {
  it.each([
    'latest-20261123T201500.123Z',
    '1.2-20261123T201500Z',
    '20261204',
    '20261204101010',
    '2026-12-04',
    'sha-1a2b3c4',
    'git-1a2b3c4d5e6f',
    '1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d',
    'latest-linux-arm64-v8',
    'main-linux-s390x',
    'buildcache',
    `sha256-${'ab'.repeat(32)}.sig`,
  ])('%p is machine-made', tag => expect(isMachineTag(tag)).toBe(true));

  it.each([
    'latest',
    '1.2.3',
    'v1.2',
    '3.11-slim',
    'stable',
    'deadbeef',
    'main',
  ])('%p is for people', tag => expect(isMachineTag(tag)).toBe(false));

  it.each(['1.2.3', 'v1.2', '3.11-slim', '22', '1.25.3-alpine'])(
    '%p is a version tag',
    tag => expect(isVersionTag(tag)).toBe(true),
  );

  it.each([
    'latest',
    'main',
    '20261204',
    'sha-1a2b3c4',
    'latest-20261123T201500.123Z',
  ])('%p is no version tag', tag => expect(isVersionTag(tag)).toBe(false));
});
