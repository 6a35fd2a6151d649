import { normalizeProjectName } from '../wheels/normalizeProjectName';
import { parseWheelFilename } from '../wheels/parseWheelFilename';
import { SIMPLE_HTML, SIMPLE_JSON, TEXT_HTML } from './simpleIndexFormats';

/** A file of the upstream index's project page, as the refinery's page lists it. */
export type UpstreamFile = {
  /** The last segment of the URL's path, as pip takes it. */
  filename: string;
  /** Absolute (resolved against the upstream page), without the hash fragment. */
  url: string;
  /** Hash name to hex digest, such as `{ sha256: '…' }`; may be empty. */
  hashes: Record<string, string>;
  requiresPython?: string;
  /** False, true, or the reason given (PEP 592). */
  yanked: boolean | string;
  /** The PEP 658 metadata file at `<url>.metadata`: true, or its hashes. */
  coreMetadata?: true | Record<string, string>;
  size?: number;
  uploadTime?: string;
};

/** The upstream index's page of one project. */
export type UpstreamProjectPage = {
  /** Where the page was read from, after redirects. */
  url: string;
  /** The project's versions (PEP 700's, or those of the file names). */
  versions: string[];
  files: UpstreamFile[];
};

/** How long one upstream page may take, body included. */
export const UPSTREAM_TIMEOUT_MS = 10_000;

/** PEP 691 JSON first, then the HTML flavours, as pip asks. */
const ACCEPT = `${SIMPLE_JSON}, ${SIMPLE_HTML};q=0.2, ${TEXT_HTML};q=0.01`;

/** The hashes pip checks in a `#<name>=<hex>` fragment. */
const HASH_NAMES = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'md5'];

/**
 * Reads `<upstream><project>/` from a PEP 503 / PEP 691 index (`upstream`
 * ends in `/`, `project` is normalized), asking for JSON and parsing the HTML
 * anchors of an index that answers HTML. Undefined when the upstream has no
 * such project (404, 410); throws on any other failure, a timeout included.
 */
export async function readUpstreamProjectPage(options: {
  upstream: string;
  project: string;
  timeoutMs?: number;
}): Promise<UpstreamProjectPage | undefined> {
  const pageUrl = new URL(
    `${encodeURIComponent(options.project)}/`,
    options.upstream,
  ).toString();
  const res = await fetch(pageUrl, {
    headers: { Accept: ACCEPT },
    signal: AbortSignal.timeout(options.timeoutMs ?? UPSTREAM_TIMEOUT_MS),
  });
  if (res.status === 404 || res.status === 410) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${pageUrl} answered ${res.status} ${res.statusText}`);
  }
  const url = res.url || pageUrl;
  const type = (res.headers.get('content-type') ?? TEXT_HTML)
    .split(';')[0]
    .trim()
    .toLowerCase();
  const body = await res.text();
  if (type === SIMPLE_JSON) {
    return parseProjectPageJson(body, url, options.project);
  }
  if (type === SIMPLE_HTML || type === TEXT_HTML) {
    return parseProjectPageHtml(body, url, options.project);
  }
  throw new Error(`${url} answered ${type}, which is no simple index page`);
}

/** A PEP 691 project page (api-version 1.x). */
export function parseProjectPageJson(
  body: string,
  pageUrl: string,
  project: string,
): UpstreamProjectPage {
  const page = JSON.parse(body);
  const version = page?.meta?.['api-version'];
  if (typeof version !== 'string' || !/^1\.\d+$/.test(version)) {
    throw new Error(`${pageUrl} speaks simple API version ${version}, not 1.x`);
  }
  const files: UpstreamFile[] = [];
  for (const file of Array.isArray(page.files) ? page.files : []) {
    if (typeof file?.url !== 'string') continue;
    const link = resolveLink(file.url, pageUrl);
    if (!link) continue;
    const filename =
      typeof file.filename === 'string' && file.filename
        ? file.filename
        : link.filename;
    const metadata = file['core-metadata'] ?? file['dist-info-metadata'];
    files.push({
      filename,
      url: link.url,
      hashes: { ...link.hashes, ...stringsOf(file.hashes) },
      ...(typeof file['requires-python'] === 'string' &&
        file['requires-python'] && {
          requiresPython: file['requires-python'],
        }),
      yanked:
        typeof file.yanked === 'string'
          ? file.yanked || true
          : file.yanked === true,
      ...(metadata === true && { coreMetadata: true as const }),
      ...(metadata &&
        typeof metadata === 'object' && { coreMetadata: stringsOf(metadata) }),
      ...(typeof file.size === 'number' && { size: file.size }),
      ...(typeof file['upload-time'] === 'string' && {
        uploadTime: file['upload-time'],
      }),
    });
  }
  const versions = Array.isArray(page.versions)
    ? page.versions.filter((v: unknown): v is string => typeof v === 'string')
    : [];
  return {
    url: pageUrl,
    versions: versionsOf(files, project, versions),
    files,
  };
}

/**
 * A PEP 503 project page: its `<a>` tags (and a `<base href>`), with their
 * `data-requires-python`, `data-yanked` and `data-core-metadata` (or PEP
 * 658's `data-dist-info-metadata`) attributes, entities decoded. A pattern
 * over the tags is enough for these machine-written pages; comments are
 * skipped and quoted attribute values may hold `>`.
 */
export function parseProjectPageHtml(
  body: string,
  pageUrl: string,
  project: string,
): UpstreamProjectPage {
  const html = body.replace(/<!--[\s\S]*?-->/g, '');
  const tags = [
    ...html.matchAll(/<(a|base)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>/gi),
  ].map(m => ({ name: m[1].toLowerCase(), attributes: attributesOf(m[2]) }));
  const baseHref = tags.find(t => t.name === 'base' && t.attributes.href)
    ?.attributes.href;
  let base = pageUrl;
  try {
    if (baseHref) base = new URL(baseHref, pageUrl).toString();
  } catch {
    // An unusable <base> is ignored, as browsers and pip do.
  }
  const files: UpstreamFile[] = [];
  for (const { name, attributes } of tags) {
    if (name !== 'a' || !attributes.href) continue;
    const link = resolveLink(attributes.href, base);
    if (!link) continue;
    const requiresPython = attributes['data-requires-python'];
    const yanked = attributes['data-yanked'];
    const metadata =
      attributes['data-core-metadata'] ?? attributes['data-dist-info-metadata'];
    const metadataHash =
      metadata && /^([a-z0-9]+)=([0-9a-f]+)$/i.exec(metadata);
    files.push({
      filename: link.filename,
      url: link.url,
      hashes: link.hashes,
      ...(requiresPython && { requiresPython }),
      yanked: yanked === undefined ? false : yanked || true,
      ...(metadata === 'true' && { coreMetadata: true as const }),
      ...(metadataHash && {
        coreMetadata: { [metadataHash[1].toLowerCase()]: metadataHash[2] },
      }),
    });
  }
  return { url: pageUrl, versions: versionsOf(files, project, []), files };
}

/** The attributes of a tag (lower-case names, the first of a name wins). */
function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const pattern =
    /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of text.matchAll(pattern)) {
    const name = m[1].toLowerCase();
    if (name in attributes) continue;
    attributes[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attributes;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Character references: numeric ones and the few named ones index pages use. */
export function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));?/gi,
    (whole, decimal?: string, hex?: string, name?: string) => {
      if (decimal || hex) {
        const code = parseInt(decimal ?? hex!, decimal ? 10 : 16);
        return code > 0 && code <= 0x10ffff
          ? String.fromCodePoint(code)
          : '\ufffd';
      }
      return NAMED_ENTITIES[name!.toLowerCase()] ?? whole;
    },
  );
}

/**
 * An href resolved against the page: an http(s) URL whose hash fragment
 * (`#sha256=…`) becomes hashes, and whose last path segment is the file name.
 * Undefined for what is not a downloadable file.
 */
function resolveLink(href: string, base: string) {
  let url: URL;
  try {
    url = new URL(href.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const hashes: Record<string, string> = {};
  for (const part of url.hash.slice(1).split('&')) {
    const [name, value] = part.split('=', 2);
    if (HASH_NAMES.includes(name?.toLowerCase()) && value) {
      hashes[name.toLowerCase()] = value;
    }
  }
  url.hash = '';
  let filename: string;
  try {
    filename = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  } catch {
    return undefined;
  }
  if (!filename) return undefined;
  return { url: url.toString(), filename, hashes };
}

function stringsOf(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

/**
 * The versions a page states, then those of its wheels' and sdists' names
 * (`<name>-<version>.tar.gz`), in order of appearance.
 */
function versionsOf(
  files: UpstreamFile[],
  project: string,
  stated: string[],
): string[] {
  const versions = new Set(stated);
  for (const { filename } of files) {
    if (filename.endsWith('.whl')) {
      try {
        const wheel = parseWheelFilename(filename);
        if (wheel.project === project) versions.add(wheel.version);
      } catch {
        // Not a wheel name pip would take either.
      }
      continue;
    }
    const sdist = /^(.+)-([^-]+)\.(?:tar\.gz|zip)$/.exec(filename);
    if (sdist && normalizeProjectName(sdist[1]) === project)
      versions.add(sdist[2]);
  }
  return [...versions];
}
