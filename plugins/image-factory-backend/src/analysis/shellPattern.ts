/*
 * Shell patterns of the `${VAR#pat}`, `${VAR%pat}` and `${VAR/pat/repl}`
 * substitutions (BuildKit's shell/lex.go convertShellPatternToRegex): `*` any
 * text, `?` one character, `[...]` a class (`[!...]` or `[^...]` negated), the
 * escape character makes the next character literal.
 */

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

function toRegexSource(pattern: string, escape: string): string {
  const chars = Array.from(pattern);
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === escape && i + 1 < chars.length) {
      i += 1;
      source += chars[i].replace(REGEX_SPECIAL, '\\$&');
    } else if (c === '*') {
      source += '[\\s\\S]*';
    } else if (c === '?') {
      source += '[\\s\\S]';
    } else if (c === '[') {
      const close = chars.indexOf(']', i + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let body = chars.slice(i + 1, close);
      const negated = body[0] === '!' || body[0] === '^';
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body
        .map(b => (b === '-' ? '-' : b.replace(REGEX_SPECIAL, '\\$&')))
        .join('')}]`;
      i = close;
    } else {
      source += c.replace(REGEX_SPECIAL, '\\$&');
    }
  }
  return source;
}

/** Whether all of `text` matches the shell `pattern`. */
export function matchesShellPattern(
  text: string,
  pattern: string,
  escape = '\\',
): boolean {
  return new RegExp(`^(?:${toRegexSource(pattern, escape)})$`, 'u').test(text);
}

/** `${VAR/pattern/replacement}` (first match) and `${VAR//pattern/replacement}` (all). */
export function replaceShellPattern(
  value: string,
  pattern: string,
  replacement: string,
  all: boolean,
  escape = '\\',
): string {
  if (pattern === '') return value;
  const re = new RegExp(toRegexSource(pattern, escape), all ? 'gu' : 'u');
  return value.replace(re, () => replacement);
}
