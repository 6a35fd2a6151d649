/*
 * Word expansion as BuildKit's shell lexer does it (moby/buildkit
 * frontend/dockerfile/shell/lex.go), for ARG/ENV values, FROM images and
 * flags: single quotes keep everything literal; double quotes keep everything
 * but `$` and the escapes \" \$ \\; outside quotes the escape character
 * escapes any character; `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`,
 * `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}`, `${VAR?msg}`, `${VAR#pat}`,
 * `${VAR##pat}`, `${VAR%pat}`, `${VAR%%pat}`, `${VAR/pat/repl}` and
 * `${VAR//pat/repl}`. The quotes themselves are removed.
 */
import { matchesShellPattern, replaceShellPattern } from './shellPattern';

/** Values of the variables in scope: undefined means declared without a value (unset). */
export type ArgScope = ReadonlyMap<string, string | undefined>;

/** The result of expanding one word. */
export interface Expansion {
  /** The word with quotes removed and variables substituted. */
  value: string;
  /** The words it splits into at unquoted whitespace (`ProcessWords`). */
  words: string[];
  /** Variables used as plain `$X`/`${X}` that had no value (they expand to ''). */
  unset: string[];
  /** BuildKit's error for a malformed word (unterminated quote, bad substitution); value is then ''. */
  error?: string;
}

class LexError extends Error {}

const isSpace = (c: string) => /^\s$/u.test(c);
const isLetter = (c: string) => /^\p{L}$/u.test(c);
const isDigit = (c: string) => /^\p{Nd}$/u.test(c);
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/** Collects the words of ProcessWords: whitespace from unquoted text splits, quoted text does not. */
class Words {
  private word = '';
  private inWord = false;
  readonly words: string[] = [];

  addChar(c: string) {
    if (isSpace(c)) {
      if (this.inWord && this.word.length > 0) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
    } else {
      this.addRawChar(c);
    }
  }
  addRawChar(c: string) {
    this.word += c;
    this.inWord = true;
  }
  addString(s: string) {
    for (const c of s) this.addChar(c);
  }
  addRawString(s: string) {
    this.word += s;
    this.inWord = true;
  }
  finish() {
    if (this.word.length > 0) this.words.push(this.word);
    this.word = '';
    return this.words;
  }
}

class ShellWord {
  private pos = 0;
  private readonly chars: string[];
  readonly unset: string[] = [];

  constructor(
    source: string,
    private readonly scope: ArgScope,
    private readonly escape: string,
  ) {
    this.chars = Array.from(source);
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }
  private next(): string | undefined {
    return this.chars[this.pos++];
  }

  /** Reads up to `stop` (consumed) or the end; an unmet stop is an error. */
  processStopOn(
    stop: string | undefined,
    rawEscapes = false,
  ): { result: string; words: string[] } {
    let result = '';
    const words = new Words();
    while (this.peek() !== undefined) {
      const c = this.peek()!;
      if (stop !== undefined && c === stop) {
        this.next();
        return { result, words: words.finish() };
      }
      if (c === "'" || c === '"' || c === '$') {
        const part = this.special(c);
        result += part;
        if (c === '$') words.addString(part);
        else words.addRawString(part);
        continue;
      }
      let ch = this.next()!;
      if (ch === this.escape) {
        if (rawEscapes) {
          words.addRawChar(ch);
          result += ch;
        }
        // The escape character escapes the next one; at the end it is dropped.
        const escaped = this.next();
        if (escaped === undefined) break;
        ch = escaped;
        words.addRawChar(ch);
      } else {
        words.addChar(ch);
      }
      result += ch;
    }
    if (stop !== undefined) {
      throw new LexError(
        `unexpected end of statement while looking for matching ${stop}`,
      );
    }
    return { result, words: words.finish() };
  }

  private special(c: string): string {
    if (c === "'") return this.singleQuote();
    if (c === '"') return this.doubleQuote();
    return this.dollar();
  }

  private singleQuote(): string {
    this.next();
    let result = '';
    for (;;) {
      const c = this.next();
      if (c === undefined) {
        throw new LexError(
          'unexpected end of statement while looking for matching single-quote',
        );
      }
      if (c === "'") return result;
      result += c;
    }
  }

  private doubleQuote(): string {
    this.next();
    let result = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        throw new LexError(
          'unexpected end of statement while looking for matching double-quote',
        );
      }
      if (c === '"') {
        this.next();
        return result;
      }
      if (c === '$') {
        result += this.dollar();
        continue;
      }
      let ch = this.next()!;
      if (ch === this.escape) {
        const following = this.peek();
        if (following === undefined) continue;
        if (
          following === '"' ||
          following === '$' ||
          following === this.escape
        ) {
          ch = this.next()!;
        }
      }
      result += ch;
    }
  }

  private lookup(name: string): { value: string; set: boolean } {
    const value = this.scope.get(name);
    return value === undefined
      ? { value: '', set: false }
      : { value, set: true };
  }

  private plain(name: string): string {
    const { value, set } = this.lookup(name);
    if (!set) this.unset.push(name);
    return value;
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.name();
      return name === '' ? '$' : this.plain(name);
    }
    this.next();
    const first = this.peek();
    if (first === undefined) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') {
      throw new LexError('syntax error: bad substitution');
    }
    const name = this.name();
    let ch = this.next();
    if (ch === undefined) throw new LexError("syntax error: missing '}'");
    if (ch === '}') return this.plain(name);
    let modifier = ch;
    let nullIsUnset = false;
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.next();
      if (ch === undefined) throw new LexError("syntax error: missing '}'");
      modifier += ch;
    }
    if (ch === '/' && !nullIsUnset) return this.replace(name);
    if (!['+', '-', '?', '#', '%'].includes(ch)) {
      throw new LexError(`unsupported modifier (${modifier}) in substitution`);
    }
    const isPattern = ch === '#' || ch === '%';
    if (nullIsUnset && isPattern) {
      throw new LexError(`unsupported modifier (${modifier}) in substitution`);
    }
    let word: string;
    try {
      word = this.processStopOn('}', isPattern).result;
    } catch (e) {
      if (this.peek() === undefined) {
        throw new LexError("syntax error: missing '}'");
      }
      throw e;
    }
    const { value, set } = this.lookup(name);
    const empty = !set || (nullIsUnset && value === '');
    switch (ch) {
      case '-':
        return empty ? word : value;
      case '+':
        return empty ? '' : word;
      case '?':
        if (!set) {
          throw new LexError(
            `${name}: ${word || 'is not allowed to be unset'}`,
          );
        }
        if (empty) {
          throw new LexError(
            `${name}: ${word || 'is not allowed to be empty'}`,
          );
        }
        return value;
      default: {
        // '#'/'%' remove the shortest matching prefix/suffix, '##'/'%%' the longest.
        const greedy = word.startsWith(ch);
        const pattern = greedy ? word.slice(1) : word;
        return ch === '#'
          ? trimPrefix(pattern, value, greedy, this.escape)
          : trimSuffix(pattern, value, greedy, this.escape);
      }
    }
  }

  private replace(name: string): string {
    const all = this.peek() === '/';
    if (all) this.next();
    const pattern = this.processStopOn('/', true).result;
    const replacement = this.processStopOn('}', true).result;
    const { value } = this.lookup(name);
    return replaceShellPattern(value, pattern, replacement, all, this.escape);
  }

  /** A name: letters, digits and _; or digits alone; or one special parameter. */
  private name(): string {
    let name = '';
    while (this.peek() !== undefined) {
      const c = this.peek()!;
      if (name === '' && isDigit(c)) {
        while (this.peek() !== undefined && isDigit(this.peek()!)) {
          name += this.next();
        }
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(c)) {
        return this.next()!;
      }
      if (!isLetter(c) && !isDigit(c) && c !== '_') break;
      name += this.next();
    }
    return name;
  }
}

function trimPrefix(
  pattern: string,
  value: string,
  greedy: boolean,
  escape: string,
): string {
  const chars = Array.from(value);
  const order = chars.map((_, i) => i + 1);
  order.unshift(0);
  if (greedy) order.reverse();
  for (const i of order) {
    if (matchesShellPattern(chars.slice(0, i).join(''), pattern, escape)) {
      return chars.slice(i).join('');
    }
  }
  return value;
}

function trimSuffix(
  pattern: string,
  value: string,
  greedy: boolean,
  escape: string,
): string {
  const chars = Array.from(value);
  const order = chars.map((_, i) => i);
  order.push(chars.length);
  if (!greedy) order.reverse();
  for (const i of order) {
    if (matchesShellPattern(chars.slice(i).join(''), pattern, escape)) {
      return chars.slice(0, i).join('');
    }
  }
  return value;
}

/**
 * Expands `word` as BuildKit's `ProcessWord`/`ProcessWords` do with the
 * variables of `scope`. Unset variables expand to the empty string, as in
 * Docker, and are listed in `unset`. Never throws: a malformed word comes back
 * with `error` set.
 */
export function expandVariables(
  word: string,
  scope: ArgScope,
  escapeChar = '\\',
): Expansion {
  const shell = new ShellWord(word, scope, escapeChar);
  try {
    const { result, words } = shell.processStopOn(undefined);
    return { value: result, words, unset: shell.unset };
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    return {
      value: '',
      words: [],
      unset: shell.unset,
      error: `failed to process "${word}": ${e.message}`,
    };
  }
}
