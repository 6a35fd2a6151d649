import { parseDockerfile } from './parseDockerfile';

/* BuildKit's parser (moby/buildkit frontend/dockerfile/parser/parser.go, parser_test.go). */
describe('parseDockerfile', () => {
  it('gives each instruction its first and last line, skipping comments and empty lines', () => {
    const parsed = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        '',
        'FROM alpine',
        '',
        'RUN something \\',
        '',
        '    following \\',
        '# a comment',
        '    more',
        'RUN <<EOF',
        'body',
        'EOF',
        'cmd ["x"]',
      ].join('\n'),
    );
    expect(
      parsed.instructions.map(i => [
        i.keyword,
        i.startLine,
        i.endLine,
        i.original,
      ]),
    ).toEqual([
      ['from', 3, 3, 'FROM alpine'],
      // parser_test.go TestParseWarnsOnEmptyContinutationLine: lines are joined as they are.
      ['run', 5, 9, 'RUN something     following     more'],
      ['run', 10, 12, 'RUN <<EOF'],
      ['cmd', 13, 13, 'cmd ["x"]'],
    ]);
    expect(parsed.directives).toEqual([
      { name: 'syntax', value: 'docker/dockerfile:1', line: 1 },
    ]);
    expect(parsed.errors).toEqual([]);
  });

  it('splits the leading flags off, in any order, quotes removed', () => {
    const [copy] = parseDockerfile(
      'COPY \t--chown="root:root"\t--from=img --  --not-a-flag /b\n',
    ).instructions;
    expect(copy.flags).toEqual(['--chown=root:root', '--from=img']);
    expect(copy.args).toBe('--not-a-flag /b');
  });

  it('reports what BuildKit stops at', () => {
    expect(
      parseDockerfile('# escape=x\nFROM a\nRUN <<EOF\nno end\n').errors,
    ).toEqual([
      { line: 1, message: "invalid escape token 'x' does not match ` or \\" },
      { line: 3, message: 'unterminated heredoc' },
    ]);
    expect(parseDockerfile('# escape=`\n# escape=\\\nFROM a\n').errors).toEqual(
      [{ line: 2, message: 'only one escape parser directive can be used' }],
    );
  });

  it('does not take an escaped escape character for a continuation', () => {
    const parsed = parseDockerfile('RUN echo \\\\\nFROM alpine\n');
    expect(parsed.instructions.map(i => i.keyword)).toEqual(['run', 'from']);
  });
});
