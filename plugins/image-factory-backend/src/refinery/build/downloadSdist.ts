import { createHash } from 'crypto';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Downloads an sdist pip's resolver chose and checks it against the hash
 * the index gave: what is built is what was planned.
 */
export async function downloadSdist(sdist: {
  url: string;
  sha256?: string;
}): Promise<{ filename: string; bytes: Buffer }> {
  const response = await fetch(sdist.url);
  if (!response.ok) {
    throw new Error(`Downloading ${sdist.url}: HTTP ${response.status}`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (sdist.sha256 && sha256(bytes) !== sdist.sha256) {
    throw new Error(
      `Downloading ${sdist.url}: sha256 ${sha256(bytes)} is not the index's ${
        sdist.sha256
      }`,
    );
  }
  const filename = decodeURIComponent(
    new URL(sdist.url).pathname.split('/').pop()!,
  );
  return { filename, bytes };
}
