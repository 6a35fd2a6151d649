import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import JSZip from 'jszip';
import { parseWheelFilename } from './parseWheelFilename';

/** RECORD's hash form (PEP 376 as PEP 427 uses it): urlsafe base64, no padding. */
function recordHash(bytes: Buffer): string {
  return `sha256=${createHash('sha256').update(bytes).digest('base64url')}`;
}

/**
 * The same wheel under a build tag (PEP 427): `name-version-BUILD-…whl`, with
 * `Build: BUILD` in its WHEEL file and that file's line in RECORD updated,
 * so that installers see one consistent wheel. pip prefers the higher build
 * tag among files of one version and tags: a rebuild (a new builder) is
 * served under the next tag instead of replacing bytes pip may have cached.
 */
export async function withBuildTag(
  filename: string,
  bytes: Buffer,
  build: number,
): Promise<{ filename: string; bytes: Buffer }> {
  if (!Number.isInteger(build) || build < 1) {
    throw new InputError(
      `build tag must be a whole number from 1, got ${build}`,
    );
  }
  parseWheelFilename(filename);
  const parts = filename.slice(0, -'.whl'.length).split('-');
  const renamed = [
    ...parts.slice(0, 2),
    String(build),
    ...parts.slice(-3),
  ].join('-');

  const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  const distInfo = Object.keys(zip.files).find(p =>
    /^[^/]+\.dist-info\/WHEEL$/.test(p),
  );
  const recordPath = distInfo?.replace(/WHEEL$/, 'RECORD');
  const record = recordPath && zip.file(recordPath);
  if (!distInfo || !record) {
    throw new InputError(`${filename} has no .dist-info/WHEEL and RECORD`);
  }
  const wheelText = await zip.file(distInfo)!.async('string');
  const newWheel = Buffer.from(
    `${wheelText
      .split(/\r?\n/)
      .filter(line => line !== '' && !/^Build:/i.test(line))
      .join('\n')}\nBuild: ${build}\n`,
  );
  const recordLines = (await record.async('string'))
    .split(/\r?\n/)
    .map(line =>
      line.startsWith(`${distInfo},`)
        ? `${distInfo},${recordHash(newWheel)},${newWheel.length}`
        : line,
    );
  const original = zip.files[distInfo];
  zip.file(distInfo, newWheel, { date: original.date });
  zip.file(recordPath, recordLines.join('\n'), {
    date: zip.files[recordPath].date,
  });
  const out = await zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 6 },
  });
  return { filename: `${renamed}.whl`, bytes: out };
}

/**
 * The first free build tag after those a version's files with these tags
 * already use: 1 when only the untagged file exists.
 */
export function nextBuildTag(filename: string, taken: string[]): number {
  const { project, version } = parseWheelFilename(filename);
  const tagsOf = (name: string) =>
    name.slice(0, -'.whl'.length).split('-').slice(-3).join('-');
  const builds = taken
    .map(name => parseWheelFilename(name))
    .filter(
      w =>
        w.project === project &&
        w.version === version &&
        tagsOf(w.filename) === tagsOf(filename),
    )
    .map(w => (w.build ? parseInt(w.build, 10) : 0))
    .filter(n => Number.isFinite(n));
  return Math.max(0, ...builds) + 1;
}
