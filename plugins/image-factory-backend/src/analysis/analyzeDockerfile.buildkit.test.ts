import { analyzeDockerfile } from './analyzeDockerfile';

/*
 * Cases taken from BuildKit's Dockerfile frontend (moby/buildkit), the parser
 * Docker builds with. Each row names the file whose rule it exercises:
 * - parser/parser.go: directives, comments, line continuations, BOM
 * - parser/line_parsers.go: parseWords / parseNameOrNameVal (ARG words keep
 *   their quotes until the shell lexer processes them)
 * - parser/split_command.go: extractBuilderFlags (flags in any order, any
 *   whitespace, quotes removed)
 * - parser/parser_test.go: TestParseWords, TestParseWarnsOnEmptyContinutationLine
 * - shell/lex.go: quotes, escapes and ${…} modifiers of word expansion
 * - instructions/bflag.go: `--flag=value` parsing
 * - instructions/commands_runmount.go: parseMount (CSV, default type bind,
 *   `from` without variables)
 * - dockerfile2llb/convert.go toCommand + moby/buildkit#6153: no variable
 *   expansion in COPY --from
 */

interface Case {
  /** Which BuildKit file the rule comes from. */
  source: string;
  name: string;
  dockerfile: string[];
  buildArgs?: Record<string, string>;
  bases: string[];
  /** Lines of the bases' first usages, when it matters. */
  lines?: number[];
  /** Expected errors, in order (default none). */
  errors?: RegExp[];
  /** Expected warnings, in order (default none). */
  warnings?: RegExp[];
}

const CASES: Case[] = [
  // Quotes and escapes of ARG values (line_parsers.go parseWords + lex.go).
  {
    source: 'shell/lex.go processDoubleQuote',
    name: 'a double-quoted ARG default loses its quotes',
    dockerfile: ['ARG VARIANT="1.60.0-bullseye"', 'FROM rust:${VARIANT}'],
    bases: ['docker.io/library/rust:1.60.0-bullseye'],
  },
  {
    source: 'shell/lex.go processSingleQuote',
    name: 'a single-quoted ARG default loses its quotes',
    dockerfile: ["ARG VARIANT='1.60.0-bullseye'", 'FROM rust:$VARIANT'],
    bases: ['docker.io/library/rust:1.60.0-bullseye'],
  },
  {
    source: 'shell/lex.go processSingleQuote',
    name: "an empty quoted default (ARG MIRROR='') is set, to the empty string",
    dockerfile: [
      "ARG MIRROR=''",
      'ARG SUFFIX=""',
      'FROM ${MIRROR}alpine:3.20${SUFFIX}',
    ],
    bases: ['docker.io/library/alpine:3.20'],
    warnings: [],
  },
  {
    source: 'shell/lex.go processStopOn',
    name: 'quotes in the middle of a word are removed and the parts joined',
    dockerfile: ['ARG TAG=3\'.\'"20"', 'FROM alpine:$TAG'],
    bases: ['docker.io/library/alpine:3.20'],
  },
  {
    source: 'shell/lex.go processSingleQuote',
    name: 'single quotes keep $ literal, double quotes expand it',
    dockerfile: [
      'ARG T=3.20',
      "ARG LITERAL='${T}'",
      'ARG EXPANDED="${T}"',
      'FROM alpine:$EXPANDED',
      'FROM busybox:$LITERAL',
    ],
    bases: ['docker.io/library/alpine:3.20'],
    errors: [
      /^Dockerfile:5: 'busybox:\$LITERAL' \(expands to 'busybox:\$\{T\}'\)/,
    ],
  },
  {
    source: 'shell/lex.go processStopOn (escape token outside quotes)',
    name: 'a backslash outside quotes escapes the next character',
    dockerfile: ['ARG TAG=3\\.20', 'FROM alpine:$TAG'],
    bases: ['docker.io/library/alpine:3.20'],
  },
  {
    source: 'shell/lex.go processDoubleQuote (\\" \\$ \\\\ only)',
    name: 'inside double quotes an escaped $ is literal',
    dockerfile: ['ARG T=1', 'ARG TAG="v\\$T"', 'FROM alpine:$TAG'],
    bases: [],
    errors: [/^Dockerfile:3: 'alpine:\$TAG' \(expands to 'alpine:v\$T'\)/],
  },
  {
    source: 'shell/lex.go processDoubleQuote',
    name: 'an unterminated quote is a problem on its line',
    dockerfile: ['ARG TAG="3.20', 'FROM alpine:$TAG'],
    bases: [],
    errors: [
      /^Dockerfile:1: .*double-quote/,
      /^Dockerfile:2: 'alpine:\$TAG' \(expands to 'alpine:'\)/,
    ],
  },
  {
    source: 'shell/lex.go processDoubleQuote',
    name: 'a FROM word with an unterminated quote is one problem',
    dockerfile: ['FROM "alpine:3.20'],
    bases: [],
    errors: [
      /^Dockerfile:1: failed to process ""alpine:3.20": .*double-quote$/,
    ],
  },
  {
    source: 'shell/lex.go (FROM is processed by the lexer too)',
    name: 'a quoted FROM image loses its quotes',
    dockerfile: ['FROM "alpine:3.20" AS a', "FROM 'busybox:1.36'"],
    bases: ['docker.io/library/alpine:3.20', 'docker.io/library/busybox:1.36'],
  },
  {
    source: 'shell/lex.go processDollar (# % modifiers)',
    name: 'prefix and suffix removal modifiers',
    dockerfile: [
      'ARG IMAGE=docker.io/library/alpine:3.20.1',
      'FROM ${IMAGE%.*}',
      'FROM ${IMAGE%%:*}:edge',
      'FROM busybox:${IMAGE##*:}',
    ],
    bases: [
      'docker.io/library/alpine:3.20',
      'docker.io/library/alpine:edge',
      'docker.io/library/busybox:3.20.1',
    ],
  },
  {
    source: 'shell/lex.go processDollar (/ modifier)',
    name: 'pattern replacement',
    dockerfile: ['ARG V=1_60_0', 'FROM rust:${V//_/.}'],
    bases: ['docker.io/library/rust:1.60.0'],
  },

  // ARG words (line_parsers.go parseNameOrNameVal).
  {
    source: 'parser/line_parsers.go parseNameOrNameVal',
    name: 'ARG a b declares two args',
    dockerfile: ['ARG BASE TAG', 'FROM ${BASE}:${TAG}'],
    buildArgs: { BASE: 'debian', TAG: '12' },
    bases: ['docker.io/library/debian:12'],
  },
  {
    source: 'parser/line_parsers.go parseNameOrNameVal',
    name: 'ARG a=1 b=2 declares two args with defaults',
    dockerfile: ['ARG BASE=python TAG="3.12-slim"', 'FROM $BASE:$TAG'],
    bases: ['docker.io/library/python:3.12-slim'],
  },
  {
    source: 'parser/parser_test.go TestParseWords',
    name: 'a quoted value with a space stays one word',
    dockerfile: ['ARG A="x y" B=alpine', 'FROM $B'],
    bases: ['docker.io/library/alpine'],
  },
  {
    source: 'dockerfile2llb/convert.go (global ARGs expand with earlier ones)',
    name: 'a global ARG default uses earlier global ARGs',
    dockerfile: ['ARG REG=ghcr.io/acme', 'ARG IMG="$REG/tool:1"', 'FROM $IMG'],
    bases: ['ghcr.io/acme/tool:1'],
  },

  // Global vs stage ARGs.
  {
    source: 'dockerfile2llb/convert.go (FROM sees global ARGs only)',
    name: 'an ARG declared inside a stage is not seen by a later FROM',
    dockerfile: ['ARG V=1', 'FROM alpine:3', 'ARG V=2', 'FROM busybox:$V'],
    bases: ['docker.io/library/alpine:3', 'docker.io/library/busybox:1'],
  },
  {
    source: 'dockerfile2llb/convert.go toCommand; moby/buildkit#6153',
    name: 'COPY --from does not expand variables',
    dockerfile: [
      'ARG IMG=alpine:3',
      'FROM scratch',
      'ARG IMG',
      'COPY --from=$IMG /a /b',
    ],
    bases: [],
    errors: [/^Dockerfile:4: variable expansion is not supported for --from/],
  },

  {
    source: 'instructions/parse.go (only ARG before the first FROM)',
    name: 'an ENV before the first FROM is an error and does not change FROM lines',
    dockerfile: ['ARG TAG=3.20', 'ENV TAG=edge', 'FROM alpine:$TAG'],
    bases: ['docker.io/library/alpine:3.20'],
    errors: [/^Dockerfile:2: no build stage in current context$/],
  },

  // Flags (split_command.go extractBuilderFlags, bflag.go).
  {
    source: 'parser/split_command.go extractBuilderFlags',
    name: 'COPY with another flag before --from',
    dockerfile: [
      'FROM alpine:3',
      'COPY --chown=root:root --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv',
    ],
    bases: ['docker.io/library/alpine:3', 'ghcr.io/astral-sh/uv:0.5'],
  },
  {
    source: 'parser/split_command.go extractBuilderFlags (unicode.IsSpace)',
    name: 'tabs between flags',
    dockerfile: [
      'FROM alpine:3',
      'COPY\t--chmod=755\t--from=busybox:1.36\t/bin/busybox /bb',
    ],
    bases: ['docker.io/library/alpine:3', 'docker.io/library/busybox:1.36'],
  },
  {
    source: 'parser/split_command.go extractBuilderFlags (quotes removed)',
    name: 'a quoted --from value',
    dockerfile: ['FROM alpine:3', 'COPY --link --from="busybox:1.36" /a /b'],
    bases: ['docker.io/library/alpine:3', 'docker.io/library/busybox:1.36'],
  },
  {
    source:
      'parser/split_command.go extractBuilderFlags (flags end at the first non-flag word)',
    name: 'a --from= after the sources is a path, not a flag',
    dockerfile: ['FROM alpine:3', 'COPY a --from=busybox:1.36 /b'],
    bases: ['docker.io/library/alpine:3'],
  },
  {
    source: 'instructions/commands_runmount.go parseMount',
    name: 'RUN mounts: another flag first, type=cache,from=, default type bind',
    dockerfile: [
      'FROM alpine:3',
      'RUN --network=none --mount=type=cache,target=/c,from=ghcr.io/acme/cache:1 \\',
      '    --mount=from=busybox:1.36,target=/bb \\',
      '    --mount=type=secret,id=token true',
    ],
    bases: [
      'docker.io/library/alpine:3',
      'ghcr.io/acme/cache:1',
      'docker.io/library/busybox:1.36',
    ],
    lines: [1, 2, 2],
  },
  {
    source:
      'instructions/commands_runmount.go parseMount (csv, keys lower-cased)',
    name: 'a quoted CSV mount field and an upper-case key',
    dockerfile: [
      'FROM alpine:3',
      'RUN --mount="type=bind,FROM=busybox:1.36,target=/bb" true',
    ],
    bases: ['docker.io/library/alpine:3', 'docker.io/library/busybox:1.36'],
  },
  {
    source: 'instructions/commands_runmount.go parseMount',
    name: 'RUN --mount from= with a variable is refused like BuildKit',
    dockerfile: [
      'FROM alpine:3',
      'ARG IMG=busybox',
      'RUN --mount=type=bind,from=$IMG,target=/x true',
    ],
    bases: ['docker.io/library/alpine:3'],
    errors: [/^Dockerfile:3: 'from' doesn't support variable expansion/],
  },

  // Line continuations, comments, directives (parser.go).
  {
    source: 'parser/parser.go trimContinuationCharacter',
    name: 'a continuation right after the keyword, then a comment',
    dockerfile: ['FROM\\', '# the image:', '  alpine:3.20'],
    bases: ['docker.io/library/alpine:3.20'],
    lines: [1],
  },
  {
    source: 'parser/parser.go Parse (continued lines are joined as they are)',
    name: 'an unindented line after FROM\\ joins the keyword',
    dockerfile: ['FROM\\', 'alpine:3.20'],
    bases: [],
    errors: [
      /^Dockerfile:1: unknown instruction FROMALPINE:3.20/,
      /^Dockerfile: has no FROM instruction/,
    ],
  },
  {
    source:
      'parser/parser.go Parse (comment lines inside a continuation are skipped)',
    name: 'comments inside a continued FROM',
    dockerfile: [
      'FROM \\',
      '# the base',
      '    # indented comment',
      '  alpine:3.20 \\',
      '  AS build',
    ],
    bases: ['docker.io/library/alpine:3.20'],
  },
  {
    source: 'parser/parser_test.go TestParseWarnsOnEmptyContinutationLine',
    name: 'empty continuation lines are skipped',
    dockerfile: [
      '',
      'FROM \\',
      '',
      '  alpine:3.6',
      'RUN something \\',
      '',
      '    following',
    ],
    bases: ['docker.io/library/alpine:3.6'],
    lines: [2],
  },
  {
    source:
      'parser/parser.go trimContinuationCharacter ([ \\t]* after the escape)',
    name: 'spaces after the continuation character',
    dockerfile: ['FROM --platform=linux/amd64 \\  \t', '  alpine:3.20'],
    bases: ['docker.io/library/alpine:3.20'],
  },
  {
    source: 'parser/parser.go setEscapeToken',
    name: 'the escape directive makes the backtick the continuation and escape character',
    dockerfile: [
      '# escape=`',
      'ARG TAG=3`.20',
      'FROM `',
      '  alpine:$TAG',
      'COPY --from=busybox:1.36 C:\\a C:\\b',
    ],
    bases: ['docker.io/library/alpine:3.20', 'docker.io/library/busybox:1.36'],
  },
  {
    source:
      'parser/parser.go possibleParserDirective (directives only before any comment)',
    name: 'an escape directive after a comment is a comment',
    dockerfile: [
      '# a comment',
      '# escape=`',
      'FROM alpine:3.20 AS `',
      'FROM busybox:1.36',
    ],
    bases: ['docker.io/library/alpine:3.20', 'docker.io/library/busybox:1.36'],
    errors: [/^Dockerfile:3: /],
  },
  {
    source: 'parser/parser.go Parse (utf8bom)',
    name: 'a byte-order mark at the start of the file',
    dockerfile: ['\uFEFFFROM alpine:3.20'],
    bases: ['docker.io/library/alpine:3.20'],
  },
  {
    source: 'parser/split_command.go (the keyword is case-insensitive)',
    name: 'lower-case keywords and AS',
    dockerfile: [
      'from alpine:3.20 as Build',
      'copy --from=build /a /b',
      'from build',
    ],
    bases: ['docker.io/library/alpine:3.20'],
  },
  {
    source: 'parser/parser.go Parse (heredocs)',
    name: 'heredoc bodies, even with continuation characters, are not instructions',
    dockerfile: [
      'FROM alpine:3.20',
      'RUN <<-EOT bash \\',
      '  && true',
      '\tFROM not-an-image \\',
      '\tEOT',
      'COPY <<"EOF" /x',
      'FROM also-not',
      'EOF',
      'FROM busybox:1.36',
    ],
    bases: ['docker.io/library/alpine:3.20', 'docker.io/library/busybox:1.36'],
    lines: [1, 9],
  },
];

const lines = (l: string[]) => `${l.join('\n')}\n`;

describe('analyzeDockerfile reads what BuildKit reads', () => {
  it.each(CASES.map(c => [`${c.name} (${c.source})`, c] as const))(
    '%s',
    (_, c) => {
      const analysis = analyzeDockerfile(lines(c.dockerfile), {
        buildArgs: c.buildArgs,
      });
      expect(analysis.bases.map(b => b.reference)).toEqual(c.bases);
      const firstLines = analysis.bases.map(b => b.usages[0].line);
      expect(firstLines).toEqual(c.lines ?? firstLines);
      expect(analysis.errors.map(e => e.message)).toEqual(
        (c.errors ?? []).map(e => expect.stringMatching(e)),
      );
      expect(analysis.warnings.map(w => w.message)).toEqual(
        (c.warnings ?? []).map(w => expect.stringMatching(w)),
      );
    },
  );
});
