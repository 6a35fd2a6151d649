/**
 * The simple repository API's formats (PEP 691): the versioned JSON and HTML
 * types, `latest` aliases a client may ask for, and `text/html` (PEP 503),
 * which is what an index answers when the client states nothing.
 */
export const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
export const SIMPLE_HTML = 'application/vnd.pypi.simple.v1+html';
export const TEXT_HTML = 'text/html';

const ACCEPTABLE: Record<string, 'json' | 'html'> = {
  [TEXT_HTML]: 'html',
  [SIMPLE_JSON]: 'json',
  [SIMPLE_HTML]: 'html',
  'application/vnd.pypi.simple.latest+json': 'json',
  'application/vnd.pypi.simple.latest+html': 'html',
};

/** The content type the answer carries for a negotiated type. */
export function responseContentType(accepted: string): string {
  if (ACCEPTABLE[accepted] === 'json') return SIMPLE_JSON;
  return accepted === TEXT_HTML ? 'text/html; charset=utf-8' : SIMPLE_HTML;
}

/** The types to offer express's `req.accepts` (quality values decide). */
export const OFFERED_TYPES = Object.keys(ACCEPTABLE);

export function formatOf(accepted: string): 'json' | 'html' {
  return ACCEPTABLE[accepted];
}
