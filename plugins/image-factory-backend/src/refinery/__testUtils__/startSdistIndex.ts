import { createHash } from 'crypto';
import { createServer } from 'http';
import { AddressInfo } from 'net';
import { normalizeProjectName } from '@image-factory/plugin-image-factory-common';
import { readTestSdist } from './wheelBuilder';

/**
 * A PEP 503 index on loopback serving the given test sdists (from
 * .tools/sdists), as an upstream such as PyPI would: `/simple/`,
 * `/simple/<project>/` with `#sha256=` links, and the files.
 */
export async function startSdistIndex(
  filenames: string[],
  /** More sdists, made by the test. */
  extra: Array<{ filename: string; bytes: Buffer }> = [],
) {
  const files = [
    ...(await Promise.all(filenames.map(readTestSdist))),
    ...extra,
  ];
  const byProject = new Map<string, typeof files>();
  for (const f of files) {
    const project = normalizeProjectName(
      f.filename.replace(/-[^-]+\.tar\.gz$/, ''),
    );
    byProject.set(project, [...(byProject.get(project) ?? []), f]);
  }
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const page = (body: string) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!DOCTYPE html><html><body>${body}</body></html>`);
    };
    if (url === '/simple/') {
      return page(
        [...byProject.keys()].map(p => `<a href="${p}/">${p}</a>`).join('\n'),
      );
    }
    let m = /^\/simple\/([^/]+)\/$/.exec(url);
    if (m) {
      const list = byProject.get(m[1]);
      if (!list) {
        res.writeHead(404).end('Not Found');
        return undefined;
      }
      return page(
        list
          .map(
            f =>
              `<a href="../../files/${f.filename}#sha256=${sha(f.bytes)}">${
                f.filename
              }</a>`,
          )
          .join('\n'),
      );
    }
    m = /^\/files\/([^/]+)$/.exec(url);
    const file = m && files.find(f => f.filename === m![1]);
    if (file) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(file.bytes);
      return undefined;
    }
    res.writeHead(404).end('Not Found');
    return undefined;
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple/`,
    requests,
    sha256: (filename: string) =>
      sha(files.find(f => f.filename === filename)!.bytes),
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
