import { WheelFileRecord } from '../store/WheelFileStore';
import type {
  UpstreamFile,
  UpstreamProjectPage,
} from './readUpstreamProjectPage';

/**
 * The pages of the simple repository API: the project list and a project's
 * files, as PEP 503 HTML (with PEP 592 yanking, PEP 714 metadata and
 * `data-requires-python`) and as PEP 691 JSON (api-version 1.1: PEP 700's
 * `versions`, `size` and `upload-time`). File URLs are relative to the
 * project page, so the index works behind any proxy or base path; files of
 * a proxied upstream page keep their absolute upstream URLs.
 */
export const API_VERSION = '1.1';

const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** From a project page (`simple/<project>/`) to a file. */
export const fileUrl = (file: WheelFileRecord) =>
  `../../files/${file.sha256}/${encodeURIComponent(file.filename)}`;

const page = (title: string, body: string[]) =>
  [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    `    <meta name="pypi:repository-version" content="${API_VERSION}">`,
    `    <title>${escapeHtml(title)}</title>`,
    '  </head>',
    '  <body>',
    ...body.map(line => `    ${line}`),
    '  </body>',
    '</html>',
    '',
  ].join('\n');

export function projectListHtml(projects: string[]): string {
  return page(
    'Simple index',
    projects.map(
      p => `<a href="${encodeURIComponent(p)}/">${escapeHtml(p)}</a>`,
    ),
  );
}

export function projectListJson(projects: string[]) {
  return {
    meta: { 'api-version': API_VERSION },
    projects: projects.map(name => ({ name })),
  };
}

/**
 * The upstream page's files the refinery does not have: a file name the
 * refinery publishes is the refinery's.
 */
function upstreamOnly(
  files: WheelFileRecord[],
  upstream: UpstreamProjectPage | undefined,
): UpstreamFile[] {
  const own = new Set(files.map(f => f.filename));
  return (upstream?.files ?? []).filter(f => !own.has(f.filename));
}

/** `#sha256=…` (or the strongest other hash the upstream gave), or nothing. */
function hashFragment(hashes: Record<string, string>): string {
  const name = ['sha256', 'sha512', 'sha384', 'sha224', 'sha1', 'md5'].find(
    n => hashes[n],
  );
  return name ? `#${name}=${hashes[name]}` : '';
}

export function projectPageHtml(
  project: string,
  files: WheelFileRecord[],
  upstream?: UpstreamProjectPage,
): string {
  const anchor = (attributes: string[], filename: string) =>
    `<a ${attributes.join(' ')}>${escapeHtml(filename)}</a><br/>`;
  const requiresPython = (value?: string) =>
    value ? [`data-requires-python="${escapeHtml(value)}"`] : [];
  const yanked = (value: boolean | string | undefined) =>
    value === false || value === undefined
      ? []
      : [`data-yanked="${escapeHtml(value === true ? '' : value)}"`];
  return page(`Links for ${project}`, [
    `<h1>Links for ${escapeHtml(project)}</h1>`,
    ...files.map(file =>
      anchor(
        [
          `href="${escapeHtml(fileUrl(file))}#sha256=${file.sha256}"`,
          ...requiresPython(file.requiresPython),
          // PEP 714's name only: PEP 658's old one breaks pip 22.3–23.0
          // (Debian 12's pip crashes on it), which is why PEP 714 renamed it.
          `data-core-metadata="sha256=${file.metadataSha256}"`,
          ...yanked(file.yanked && (file.yankedReason ?? true)),
        ],
        file.filename,
      ),
    ),
    ...upstreamOnly(files, upstream).map(file => {
      const metadata = file.coreMetadata;
      const metadataValue =
        metadata === true
          ? 'true'
          : metadata && hashFragment(metadata).slice(1);
      return anchor(
        [
          `href="${escapeHtml(file.url + hashFragment(file.hashes))}"`,
          ...requiresPython(file.requiresPython),
          ...(metadataValue
            ? [`data-core-metadata="${escapeHtml(metadataValue)}"`]
            : []),
          ...yanked(file.yanked),
        ],
        file.filename,
      );
    }),
  ]);
}

export function projectPageJson(
  project: string,
  files: WheelFileRecord[],
  upstream?: UpstreamProjectPage,
) {
  const proxied = upstreamOnly(files, upstream);
  return {
    // PEP 700 makes `size` a must from 1.1 on, which an HTML upstream
    // does not give.
    meta: {
      'api-version': proxied.every(f => f.size !== undefined)
        ? API_VERSION
        : '1.0',
    },
    name: project,
    versions: [
      ...new Set([...files.map(f => f.version), ...(upstream?.versions ?? [])]),
    ],
    files: [
      ...files.map(file => ({
        filename: file.filename,
        url: fileUrl(file),
        hashes: { sha256: file.sha256 },
        ...(file.requiresPython && { 'requires-python': file.requiresPython }),
        'core-metadata': { sha256: file.metadataSha256 },
        yanked: file.yanked ? file.yankedReason || true : false,
        size: file.size,
        'upload-time': file.uploadedAt.toISOString(),
      })),
      ...proxied.map(file => ({
        filename: file.filename,
        url: file.url,
        hashes: file.hashes,
        ...(file.requiresPython && { 'requires-python': file.requiresPython }),
        ...(file.coreMetadata && { 'core-metadata': file.coreMetadata }),
        yanked: file.yanked,
        ...(file.size !== undefined && { size: file.size }),
        ...(file.uploadTime && { 'upload-time': file.uploadTime }),
      })),
    ],
  };
}
