import { WheelFileRecord } from '../store/WheelFileStore';

/**
 * The pages of the simple repository API: the project list and a project's
 * files, as PEP 503 HTML (with PEP 592 yanking, PEP 714 metadata and
 * `data-requires-python`) and as PEP 691 JSON (api-version 1.1: PEP 700's
 * `versions`, `size` and `upload-time`). File URLs are relative to the
 * project page, so the index works behind any proxy or base path.
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

export function projectPageHtml(
  project: string,
  files: WheelFileRecord[],
): string {
  return page(`Links for ${project}`, [
    `<h1>Links for ${escapeHtml(project)}</h1>`,
    ...files.map(file => {
      const attributes = [
        `href="${escapeHtml(fileUrl(file))}#sha256=${file.sha256}"`,
        ...(file.requiresPython
          ? [`data-requires-python="${escapeHtml(file.requiresPython)}"`]
          : []),
        // PEP 714's name only: PEP 658's old one breaks pip 22.3–23.0
        // (Debian 12's pip crashes on it), which is why PEP 714 renamed it.
        `data-core-metadata="sha256=${file.metadataSha256}"`,
        ...(file.yanked
          ? [`data-yanked="${escapeHtml(file.yankedReason ?? '')}"`]
          : []),
      ];
      return `<a ${attributes.join(' ')}>${escapeHtml(file.filename)}</a><br/>`;
    }),
  ]);
}

export function projectPageJson(project: string, files: WheelFileRecord[]) {
  return {
    meta: { 'api-version': API_VERSION },
    name: project,
    versions: [...new Set(files.map(f => f.version))],
    files: files.map(file => ({
      filename: file.filename,
      url: fileUrl(file),
      hashes: { sha256: file.sha256 },
      ...(file.requiresPython && { 'requires-python': file.requiresPython }),
      'core-metadata': { sha256: file.metadataSha256 },
      yanked: file.yanked ? file.yankedReason || true : false,
      size: file.size,
      'upload-time': file.uploadedAt.toISOString(),
    })),
  };
}
