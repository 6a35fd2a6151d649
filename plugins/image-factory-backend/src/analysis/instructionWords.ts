/*
 * The word-level parsing BuildKit does before expansion:
 * - extractBuilderFlags (parser/split_command.go): leading words that start
 *   with `--`, separated by any whitespace, quotes removed, `\` escapes;
 * - parseWords (parser/line_parsers.go): whitespace-separated words of
 *   ARG/ENV, quotes and escapes kept for the shell lexer;
 * - flag values (instructions/bflag.go): `--name=value`, or `--name` alone;
 * - mount options (instructions/commands_runmount.go): one CSV record.
 */

const isSpace = (c: string) => /^\s$/u.test(c);

/** Splits the leading `--flags` off the arguments of an instruction. */
export function extractBuilderFlags(line: string): {
  flags: string[];
  args: string;
} {
  const flags: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const c = line[pos];
    if (!inWord) {
      if (pos === line.length) break;
      if (isSpace(c)) continue;
      // Only words starting with -- are flags; the rest is the arguments.
      if (c !== '-' || line[pos + 1] !== '-') {
        return { flags, args: line.slice(pos) };
      }
      inWord = true;
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOk || word.length > 0)) flags.push(word);
      break;
    }
    if (quote) {
      if (c === quote) {
        quote = '';
        continue;
      }
      if (c === '\\') {
        if (pos + 1 === line.length) {
          quote = '';
          continue;
        }
        pos += 1;
      }
      word += line[pos];
      continue;
    }
    if (isSpace(c)) {
      inWord = false;
      if (word === '--') return { flags, args: line.slice(pos) };
      if (blankOk || word.length > 0) flags.push(word);
      word = '';
      blankOk = false;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      blankOk = true;
      continue;
    }
    if (c === '\\') {
      if (pos + 1 === line.length) continue;
      pos += 1;
    }
    word += line[pos];
  }
  return { flags, args: '' };
}

/** parseWords: words split at unquoted whitespace, quotes and escapes kept. */
export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let word = '';
  let inWord = false;
  let quote = '';
  let blankOk = false;
  const flush = () => {
    if (blankOk || word.length > 0) words.push(word);
    word = '';
    blankOk = false;
  };
  for (let pos = 0; pos < chars.length; pos++) {
    let c = chars[pos];
    if (!inWord && !quote) {
      if (isSpace(c)) continue;
      inWord = true;
    }
    if (quote) {
      if (c === quote) quote = '';
      else if (c === escape && quote !== "'") {
        if (pos + 1 === chars.length) continue;
        word += c;
        pos += 1;
        c = chars[pos];
      }
      word += c;
      continue;
    }
    if (isSpace(c)) {
      inWord = false;
      flush();
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      blankOk = true;
    } else if (c === escape) {
      if (pos + 1 === chars.length) continue;
      word += c;
      pos += 1;
      c = chars[pos];
    }
    word += c;
  }
  if (inWord || quote) flush();
  return words;
}

/** A parsed flag: its value is undefined for `--name` without `=`. */
export interface Flag {
  name: string;
  value: string | undefined;
}

/** bflag.go: `--name=value` or `--name`. */
export function parseFlag(flag: string): Flag {
  const body = flag.replace(/^--/, '');
  const eq = body.indexOf('=');
  return eq === -1
    ? { name: body, value: undefined }
    : { name: body.slice(0, eq), value: body.slice(eq + 1) };
}

/** The values of every `--name=…` among `flags`, in order. */
export function flagValues(flags: string[], name: string): string[] {
  return flags
    .map(parseFlag)
    .filter(f => f.name === name && f.value !== undefined)
    .map(f => f.value!);
}

/** Whether `--name` is set to a true value (`--name`, `--name=true`). */
export function flagIsTrue(flags: string[], name: string): boolean {
  return flags
    .map(parseFlag)
    .some(
      f =>
        f.name === name &&
        (f.value === undefined || f.value.toLowerCase() === 'true'),
    );
}

/** One CSV record as Go's encoding/csv reads it (`"…"` fields, `""` for a quote). */
export function parseCsvRecord(value: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (value[i] === '"') {
      i += 1;
      while (i < value.length) {
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += value[i];
        i += 1;
      }
      while (i < value.length && value[i] !== ',') field += value[i++];
    } else {
      while (i < value.length && value[i] !== ',') field += value[i++];
    }
    fields.push(field);
    if (i >= value.length) return fields;
    i += 1;
  }
}

/** The options of one `--mount=…` value, keys lower-cased, in order. */
export function parseMountOptions(
  value: string,
): Array<{ key: string; value: string | undefined }> {
  return parseCsvRecord(value).map(field => {
    const eq = field.indexOf('=');
    return eq === -1
      ? { key: field.toLowerCase(), value: undefined }
      : { key: field.slice(0, eq).toLowerCase(), value: field.slice(eq + 1) };
  });
}
