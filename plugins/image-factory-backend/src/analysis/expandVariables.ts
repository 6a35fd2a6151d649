/*
 * Variable expansion in Dockerfile instructions, following the rules of
 * BuildKit's shell lexer (moby/buildkit frontend/dockerfile/shell/lex.go) for
 * the forms that matter in image references: $VAR, ${VAR}, ${VAR:-word},
 * ${VAR-word}, ${VAR:+word}, ${VAR+word}, and the escape character before '$'.
 */

/** Values of the ARGs in scope: undefined means declared without a value. */
export type ArgScope = ReadonlyMap<string, string | undefined>;

/** The result of expanding one word; `unset` lists variables that had no value. */
export interface Expansion {
  value: string;
  unset: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Expands the variables of `word` using `scope`. Unknown or unset variables
 * expand to the empty string, as Docker does; they are reported in `unset`.
 */
export function expandVariables(
  word: string,
  scope: ArgScope,
  escapeChar = '\\',
): Expansion {
  const unset: string[] = [];
  const lookup = (name: string) => {
    const value = scope.get(name);
    if (value === undefined) unset.push(name);
    return value;
  };

  let out = '';
  let i = 0;
  while (i < word.length) {
    const c = word[i];
    if (c === escapeChar && word[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    if (word[i + 1] === '{') {
      const close = findClosingBrace(word, i + 2);
      if (close === -1) {
        // An unterminated ${ is kept literally; the reference check reports it.
        out += word.slice(i);
        break;
      }
      out += expandBraced(
        word.slice(i + 2, close),
        scope,
        lookup,
        escapeChar,
        unset,
      );
      i = close + 1;
      continue;
    }
    const name = NAME.exec(word.slice(i + 1))?.[0];
    if (!name) {
      out += '$';
      i += 1;
      continue;
    }
    out += lookup(name) ?? '';
    i += 1 + name.length;
  }
  return { value: out, unset };
}

function findClosingBrace(word: string, from: number): number {
  let depth = 1;
  for (let i = from; i < word.length; i++) {
    if (word[i] === '{') depth += 1;
    if (word[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function expandBraced(
  inner: string,
  scope: ArgScope,
  lookup: (name: string) => string | undefined,
  escapeChar: string,
  unset: string[],
): string {
  const name = NAME.exec(inner)?.[0] ?? '';
  const rest = inner.slice(name.length);
  const nested = (text: string) => {
    const expanded = expandVariables(text, scope, escapeChar);
    unset.push(...expanded.unset);
    return expanded.value;
  };
  if (rest === '') return lookup(name) ?? '';
  const value = scope.get(name);
  const isSet = scope.has(name) && value !== undefined;
  const nonEmpty = isSet && value !== '';
  if (rest.startsWith(':-')) return nonEmpty ? value! : nested(rest.slice(2));
  if (rest.startsWith('-')) return isSet ? value! : nested(rest.slice(1));
  if (rest.startsWith(':+')) return nonEmpty ? nested(rest.slice(2)) : '';
  if (rest.startsWith('+')) return isSet ? nested(rest.slice(1)) : '';
  // Other modifiers (${VAR#pattern}, ${VAR%pattern}, …) are rare in FROM lines:
  // use the plain value, as BuildKit would before applying them.
  return lookup(name) ?? '';
}
