/** One link of a `Link` header: its target as written and its parameters. */
export interface WebLink {
  /** The URI reference between `<` and `>`, possibly relative. */
  target: string;
  /** Parameter names in lowercase; quoted values unquoted. */
  params: Record<string, string>;
}

/**
 * Parses a `Link` header (RFC 8288, section 3). Registries page tag lists
 * and referrers with `<url>; rel="next"`, and a proxy may join several
 * header lines with commas, so commas inside `<…>` or quotes do not split.
 * Malformed links are skipped rather than failing the whole header.
 */
export function parseLinkHeader(value: string | null): WebLink[] {
  if (!value) return [];
  const links: WebLink[] = [];
  let i = 0;
  while (i < value.length) {
    const open = value.indexOf('<', i);
    if (open === -1) break;
    const close = value.indexOf('>', open + 1);
    if (close === -1) break;
    const target = value.slice(open + 1, close).trim();
    const params: Record<string, string> = {};
    i = close + 1;
    // Parameters run until a comma outside quotes.
    while (i < value.length && value[i] !== ',') {
      const param =
        /^\s*;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*))?\s*/.exec(
          value.slice(i),
        );
      if (!param) {
        // Not a parameter: skip to the next link.
        const comma = value.indexOf(',', i);
        i = comma === -1 ? value.length : comma;
        break;
      }
      const name = param[1].toLowerCase();
      const raw = param[2] ?? '';
      const unquoted = raw.startsWith('"')
        ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
        : raw;
      // RFC 8288 3.3: only the first occurrence of rel counts.
      if (!(name in params)) params[name] = unquoted;
      i += param[0].length;
    }
    i += 1;
    if (target) links.push({ target, params });
  }
  return links;
}

/**
 * The target of the `rel="next"` link of a `Link` header, as written (the
 * spec's examples are relative: resolve it against the request URL), or
 * `undefined` when there is none.
 */
export function nextLinkTarget(value: string | null): string | undefined {
  return parseLinkHeader(value).find(l =>
    (l.params.rel ?? '').toLowerCase().split(/\s+/).includes('next'),
  )?.target;
}
