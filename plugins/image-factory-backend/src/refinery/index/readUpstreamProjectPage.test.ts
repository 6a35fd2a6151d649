import { ConfigReader } from '@backstage/config';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { readRefineryConfig } from '../readRefineryConfig';
import { WheelFileRecord } from '../store/WheelFileStore';
import {
  decodeEntities,
  parseProjectPageHtml,
  readUpstreamProjectPage,
} from './readUpstreamProjectPage';
import { projectPageHtml, projectPageJson } from './renderSimpleIndex';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_M = 'c'.repeat(64);

/** One project, `demo`, as an HTML-only index and as a PEP 691 index write it. */
const HTML_PAGE = `<!DOCTYPE html>
<html><head><meta name="pypi:repository-version" content="1.0"></head>
<body>
<!-- <a href="commented-0.1.tar.gz">not a link</a> -->
<h1>Links for demo</h1>
<a href="../../packages/demo-1.0-py3-none-any.whl#sha256=${SHA_A}"
   data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=${SHA_M}">demo-1.0-py3-none-any.whl</a><br/>
<a data-yanked="broken &amp; &#34;bad&#x22;" href='https://files.example.org/demo-0.9.tar.gz#md5=0123abcd&amp;egg=x'>demo-0.9.tar.gz</a><br/>
<A HREF=/packages/Demo-2.0-cp311-cp311-manylinux_2_17_s390x.whl data-core-metadata=true data-yanked>x</A>
<a href="javascript:alert(1)">nope</a>
<a name="anchor-without-href">nope</a>
</body></html>`;

const JSON_PAGE = {
  meta: { 'api-version': '1.1' },
  name: 'demo',
  versions: ['0.8', '1.0'],
  files: [
    {
      filename: 'demo-1.0-py3-none-any.whl',
      url: '../../packages/demo-1.0-py3-none-any.whl',
      hashes: { sha256: SHA_A },
      'requires-python': '>=3.8',
      'core-metadata': { sha256: SHA_M },
      yanked: false,
      size: 1234,
      'upload-time': '2024-01-02T03:04:05.000000Z',
    },
    {
      filename: 'demo-0.9.tar.gz',
      url: 'https://files.example.org/demo-0.9.tar.gz',
      hashes: { sha256: SHA_B },
      yanked: 'broken',
      size: 99,
    },
  ],
};

describe('readUpstreamProjectPage', () => {
  let server: Server;
  let upstream: string;
  const seen: { url?: string; accept?: string }[] = [];
  let handle: (req: IncomingMessage, res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, accept: req.headers.accept });
      handle(req, res);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    upstream = `http://127.0.0.1:${port}/simple/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('asks for PEP 691 JSON first and reads a JSON page', async () => {
    handle = (_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/vnd.pypi.simple.v1+json',
      });
      res.end(JSON.stringify(JSON_PAGE));
    };
    const page = await readUpstreamProjectPage({ upstream, project: 'demo' });
    expect(seen).toEqual([
      {
        url: '/simple/demo/',
        accept: expect.stringMatching(
          /^application\/vnd\.pypi\.simple\.v1\+json, .*text\/html;q=/,
        ),
      },
    ]);
    const origin = new URL(upstream).origin;
    expect(page).toEqual({
      url: `${upstream}demo/`,
      versions: ['0.8', '1.0', '0.9'],
      files: [
        {
          filename: 'demo-1.0-py3-none-any.whl',
          url: `${origin}/packages/demo-1.0-py3-none-any.whl`,
          hashes: { sha256: SHA_A },
          requiresPython: '>=3.8',
          yanked: false,
          coreMetadata: { sha256: SHA_M },
          size: 1234,
          uploadTime: '2024-01-02T03:04:05.000000Z',
        },
        {
          filename: 'demo-0.9.tar.gz',
          url: 'https://files.example.org/demo-0.9.tar.gz',
          hashes: { sha256: SHA_B },
          yanked: 'broken',
          size: 99,
        },
      ],
    });
  });

  it('parses the anchors of an HTML page, resolved against where it was read after redirects', async () => {
    handle = (req, res) => {
      if (req.url === '/simple/demo/') {
        res.writeHead(301, { Location: '/mirror/simple/demo/' }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(HTML_PAGE);
    };
    const page = await readUpstreamProjectPage({ upstream, project: 'demo' });
    const origin = new URL(upstream).origin;
    expect(page?.url).toBe(`${origin}/mirror/simple/demo/`);
    expect(page?.files).toEqual([
      {
        filename: 'demo-1.0-py3-none-any.whl',
        url: `${origin}/mirror/packages/demo-1.0-py3-none-any.whl`,
        hashes: { sha256: SHA_A },
        requiresPython: '>=3.8',
        yanked: false,
        coreMetadata: { sha256: SHA_M },
      },
      {
        filename: 'demo-0.9.tar.gz',
        url: 'https://files.example.org/demo-0.9.tar.gz',
        hashes: { md5: '0123abcd' },
        yanked: 'broken & "bad"',
      },
      {
        filename: 'Demo-2.0-cp311-cp311-manylinux_2_17_s390x.whl',
        url: `${origin}/packages/Demo-2.0-cp311-cp311-manylinux_2_17_s390x.whl`,
        hashes: {},
        yanked: true,
        coreMetadata: true,
      },
    ]);
    expect(page?.versions).toEqual(['1.0', '0.9', '2.0']);
  });

  it('honours <base href> and decodes character references', () => {
    const page = parseProjectPageHtml(
      '<base href="https://cdn.example.org/files/"><a href="demo-1.0.tar.gz#sha256=ab">demo-1.0.tar.gz</a>',
      'https://index.example.org/simple/demo/',
      'demo',
    );
    expect(page.files[0].url).toBe(
      'https://cdn.example.org/files/demo-1.0.tar.gz',
    );
    expect(decodeEntities('&lt;3&#44;&#x3E;=2 &unknown; &amp;amp;')).toBe(
      '<3,>=2 &unknown; &amp;',
    );
  });

  it('answers undefined when the upstream has no such project', async () => {
    handle = (_req, res) => {
      res.writeHead(404).end('Not Found');
    };
    await expect(
      readUpstreamProjectPage({ upstream, project: 'nothing' }),
    ).resolves.toBeUndefined();
  });

  it('fails on a 5xx, a foreign content type, another API version and a timeout', async () => {
    handle = (_req, res) => {
      res.writeHead(503).end('busy');
    };
    await expect(
      readUpstreamProjectPage({ upstream, project: 'demo' }),
    ).rejects.toThrow(/answered 503/);

    handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/zip' }).end('PK');
    };
    await expect(
      readUpstreamProjectPage({ upstream, project: 'demo' }),
    ).rejects.toThrow(/application\/zip, which is no simple index page/);

    handle = (_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/vnd.pypi.simple.v1+json',
      });
      res.end(JSON.stringify({ ...JSON_PAGE, meta: { 'api-version': '2.0' } }));
    };
    await expect(
      readUpstreamProjectPage({ upstream, project: 'demo' }),
    ).rejects.toThrow(/version 2\.0, not 1\.x/);

    handle = () => {
      // Never answers.
    };
    await expect(
      readUpstreamProjectPage({ upstream, project: 'demo', timeoutMs: 200 }),
    ).rejects.toThrow(/timeout|aborted/i);
  });
});

describe('project pages with an upstream', () => {
  const own: WheelFileRecord = {
    project: 'demo',
    filename: 'demo-1.0-py3-none-any.whl',
    version: '1.0',
    sha256: 'd'.repeat(64),
    size: 10,
    metadataSha256: 'e'.repeat(64),
    yanked: false,
    uploadedAt: new Date('2025-01-01T00:00:00Z'),
  };
  const upstream = parseProjectPageHtml(
    HTML_PAGE,
    'https://index.example.org/simple/demo/',
    'demo',
  );

  it('lists upstream files the refinery lacks at their upstream URLs; the refinery wins a file name', () => {
    const html = projectPageHtml('demo', [own], upstream);
    expect(html).toContain(
      `href="../../files/${own.sha256}/demo-1.0-py3-none-any.whl#sha256=${own.sha256}"`,
    );
    expect(html).not.toContain('index.example.org/packages/demo-1.0');
    expect(html).toContain(
      '<a href="https://files.example.org/demo-0.9.tar.gz#md5=0123abcd" data-yanked="broken &amp; &quot;bad&quot;">demo-0.9.tar.gz</a>',
    );
    expect(html).toContain(
      '<a href="https://index.example.org/packages/Demo-2.0-cp311-cp311-manylinux_2_17_s390x.whl" data-core-metadata="true" data-yanked="">',
    );

    const json = projectPageJson('demo', [own], upstream);
    expect(json.meta).toEqual({ 'api-version': '1.0' });
    expect(json.versions).toEqual(['1.0', '0.9', '2.0']);
    expect(json.files.map(f => f.url)).toEqual([
      `../../files/${own.sha256}/demo-1.0-py3-none-any.whl`,
      'https://files.example.org/demo-0.9.tar.gz',
      'https://index.example.org/packages/Demo-2.0-cp311-cp311-manylinux_2_17_s390x.whl',
    ]);
    expect(json.files[1]).toEqual({
      filename: 'demo-0.9.tar.gz',
      url: 'https://files.example.org/demo-0.9.tar.gz',
      hashes: { md5: '0123abcd' },
      yanked: 'broken & "bad"',
    });
  });

  it('carries the hashes of an upstream file and its metadata over', () => {
    const html = projectPageHtml('demo', [], {
      ...upstream,
      files: upstream.files.slice(0, 1),
    });
    expect(html).toContain(
      `<a href="https://index.example.org/packages/demo-1.0-py3-none-any.whl#sha256=${SHA_A}" data-requires-python="&gt;=3.8" data-core-metadata="sha256=${SHA_M}">`,
    );
    expect(projectPageJson('demo', [own]).meta).toEqual({
      'api-version': '1.1',
    });
  });
});

describe('imageFactory.refinery.index.upstream', () => {
  const read = (upstream: string) =>
    readRefineryConfig(
      new ConfigReader({
        imageFactory: { refinery: { index: { upstream } } },
      }),
    ).indexUpstream;

  it('is read as a base URL ending in a slash, absent by default', () => {
    expect(read('https://pypi.org/simple')).toBe('https://pypi.org/simple/');
    expect(read('http://127.0.0.1:8080/simple/')).toBe(
      'http://127.0.0.1:8080/simple/',
    );
    expect(readRefineryConfig(new ConfigReader({})).indexUpstream).toBe(
      undefined,
    );
  });

  it('refuses what is no http URL, and credentials, naming the key', () => {
    expect(() => read('pypi.org/simple')).toThrow(
      "imageFactory.refinery.index.upstream: 'pypi.org/simple' is not a URL",
    );
    expect(() => read('ftp://mirror/simple/')).toThrow(
      /index\.upstream: must be an http or https URL/,
    );
    expect(() => read('https://user:secret@mirror/simple/')).toThrow(
      /index\.upstream: must not hold credentials/,
    );
  });
});
