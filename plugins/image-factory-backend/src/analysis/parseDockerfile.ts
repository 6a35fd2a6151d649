/*
 * Splits a Dockerfile into instructions the way BuildKit's parser does
 * (moby/buildkit frontend/dockerfile/parser/parser.go): parser directives at
 * the top (`# escape=`, `# syntax=`, `# check=`), comment lines, line
 * continuations (comment and empty lines inside them are skipped; lines are
 * joined as they are), heredocs of RUN/COPY/ADD, and per instruction the
 * keyword, the leading `--flags` and the rest (split_command.go).
 */
import { extractBuilderFlags } from './instructionWords';

/** A heredoc attached to an instruction (`<<EOF` … `EOF`). */
export interface Heredoc {
  name: string;
  /** `<<-`: leading tabs are removed from the body and terminator. */
  chomp: boolean;
  /** 1-based line of the first body line. */
  line: number;
}

/** One instruction, possibly continued over several lines. */
export interface DockerfileInstruction {
  /** Lower-case keyword, e.g. `from`. */
  keyword: string;
  /** The leading `--name=value` / `--name` flags, quotes removed. */
  flags: string[];
  /** The text after the keyword and flags, trimmed. */
  args: string;
  /** The instruction as one line: continuations joined, comments left out (BuildKit's `Original`). */
  original: string;
  /** 1-based first and last lines in the file (heredoc bodies included). */
  startLine: number;
  endLine: number;
  heredocs: Heredoc[];
}

/** A parser directive found at the top of the file. */
export interface ParserDirective {
  name: 'syntax' | 'escape' | 'check';
  value: string;
  line: number;
}

export interface ParsedDockerfile {
  escapeToken: '\\' | '`';
  directives: ParserDirective[];
  instructions: DockerfileInstruction[];
  /** Problems BuildKit stops at (bad directive, unterminated heredoc), with their lines. */
  errors: Array<{ line: number; message: string }>;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const VALID_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);
const COMMAND_WHITESPACE = /[\t\v\f\r ]+/;

const trimNewline = (line: string) => line.replace(/[\r\n]+$/, '');
const trimLeft = (line: string) => line.replace(/^\s+/u, '');
const isComment = (line: string) => trimLeft(trimNewline(line)).startsWith('#');

function continuationRegex(escape: string) {
  const e = escape === '`' ? '`' : '\\\\';
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

/** Splits `keyword rest` and the leading flags of `rest`. */
export function splitCommand(line: string) {
  const trimmed = line.trim();
  const match = COMMAND_WHITESPACE.exec(trimmed);
  const keyword = (
    match ? trimmed.slice(0, match.index) : trimmed
  ).toLowerCase();
  const rest = match ? trimmed.slice(match.index + match[0].length) : '';
  const { flags, args } = extractBuilderFlags(rest);
  return { keyword, flags, args: args.trim() };
}

/** The heredocs a RUN/COPY/ADD line opens (parser.go heredocsFromLine). */
function heredocsOf(line: string): Array<Omit<Heredoc, 'line'>> {
  const out: Array<Omit<Heredoc, 'line'>> = [];
  for (const word of rawWords(line)) {
    const match = HEREDOC_WORD.exec(word);
    if (!match || match[3] === '') continue;
    // The name is the word with its quotes removed (`<<"EOF"` is EOF).
    const name = match[3].replace(/\\(.)|["']/g, (_, c) => c ?? '');
    if (name === '' || /\s/.test(name)) continue;
    out.push({ name, chomp: match[2] === '-' });
  }
  return out;
}

/** Whitespace-separated words, quotes and escapes kept (for heredoc detection). */
function rawWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      word += c;
      if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else if (c === quote) quote = '';
    } else if (/\s/.test(c)) {
      if (word) words.push(word);
      word = '';
    } else {
      word += c;
      if (c === '\\' && i + 1 < line.length) word += line[++i];
      else if (c === '"' || c === "'") quote = c;
    }
  }
  if (word) words.push(word);
  return words;
}

const isJsonForm = (args: string) => {
  if (!args.startsWith('[')) return false;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed);
  } catch {
    return false;
  }
};

function canContainHeredoc(keyword: string, args: string): boolean {
  if (keyword === 'onbuild') {
    const child = splitCommand(args);
    return canContainHeredoc(child.keyword, child.args);
  }
  return HEREDOC_INSTRUCTIONS.has(keyword) && !isJsonForm(args);
}

/**
 * Parses the instructions of a Dockerfile like BuildKit. Never throws: what
 * BuildKit would stop at is returned in `errors`, and parsing goes on.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length > 0) lines[0] = lines[0].replace(/^\uFEFF/, '');

  let escapeToken: '\\' | '`' = '\\';
  let continuation = continuationRegex(escapeToken);
  let directivesDone = false;
  const directives: ParserDirective[] = [];
  const instructions: DockerfileInstruction[] = [];
  const errors: ParsedDockerfile['errors'] = [];

  const directive = (line: string, lineNumber: number) => {
    if (directivesDone) return;
    const match = DIRECTIVE.exec(line);
    const name = match?.[1].toLowerCase();
    if (!match || !name || !VALID_DIRECTIVES.has(name)) {
      directivesDone = true;
      return;
    }
    if (directives.some(d => d.name === name)) {
      errors.push({
        line: lineNumber,
        message: `only one ${name} parser directive can be used`,
      });
      return;
    }
    directives.push({
      name: name as ParserDirective['name'],
      value: match[2],
      line: lineNumber,
    });
    if (name === 'escape') {
      if (match[2] !== '`' && match[2] !== '\\') {
        errors.push({
          line: lineNumber,
          message: `invalid escape token '${match[2]}' does not match \` or \\`,
        });
        return;
      }
      escapeToken = match[2];
      continuation = continuationRegex(escapeToken);
    }
  };
  /** parser.go processLine: newline and (optionally) leading whitespace off, comment lines emptied. */
  const processLine = (
    line: string,
    lineNumber: number,
    stripLeft: boolean,
  ) => {
    let token = trimNewline(line);
    if (stripLeft) token = trimLeft(token);
    directive(token, lineNumber);
    return token.startsWith('#') ? '' : token;
  };
  const trimContinuation = (line: string) =>
    continuation.test(line)
      ? { line: line.replace(continuation, '$1'), ends: false }
      : { line, ends: true };

  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    const first = trimContinuation(processLine(lines[i], startLine, true));
    i += 1;
    if (first.ends && first.line === '') continue;
    let { line, ends } = first;
    while (!ends && i < lines.length) {
      const raw = lines[i];
      const processed = processLine(raw, i + 1, false);
      i += 1;
      if (isComment(raw)) continue;
      if (trimLeft(processed) === '') continue;
      const next = trimContinuation(processed);
      line += next.line;
      ends = next.ends;
    }
    const { keyword, flags, args } = splitCommand(line);
    const instruction: DockerfileInstruction = {
      keyword,
      flags,
      args,
      original: line.trim(),
      startLine,
      endLine: i,
      heredocs: [],
    };
    if (canContainHeredoc(keyword, args)) {
      for (const heredoc of heredocsOf(line)) {
        const bodyLine = i + 1;
        let terminated = false;
        while (i < lines.length) {
          let candidate = trimNewline(lines[i]);
          i += 1;
          if (heredoc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === heredoc.name) {
            terminated = true;
            break;
          }
        }
        if (!terminated) {
          errors.push({ line: startLine, message: 'unterminated heredoc' });
        }
        instruction.heredocs.push({ ...heredoc, line: bodyLine });
      }
      instruction.endLine = i;
    }
    instructions.push(instruction);
  }
  return { escapeToken, directives, instructions, errors };
}
