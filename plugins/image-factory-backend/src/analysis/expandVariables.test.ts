import { expandVariables } from './expandVariables';

/*
 * BuildKit's shell lexer (moby/buildkit frontend/dockerfile/shell/lex.go),
 * with the environment its tests use (lex_test.go: PWD=/home, SHELL=bash,
 * KOREAN=한국어) plus EMPTY='' and WORDS='x  y'.
 */
const scope = new Map<string, string | undefined>([
  ['PWD', '/home'],
  ['SHELL', 'bash'],
  ['KOREAN', '한국어'],
  ['EMPTY', ''],
  ['WORDS', 'x  y'],
  ['DECLARED', undefined],
]);

describe('expandVariables (BuildKit shell lexer)', () => {
  const words: Array<[string, string]> = [
    // Quotes (processSingleQuote / processDoubleQuote).
    ['hello', 'hello'],
    ["he'll'o", 'hello'],
    ['"hello"', 'hello'],
    [`"hel'lo"`, "hel'lo"],
    [`'hel"lo'`, 'hel"lo'],
    ["he\\'llo", "he'llo"],
    ['"he\\"llo"', 'he"llo'],
    ['"he\\llo"', 'he\\llo'],
    ["'he\\llo'", 'he\\llo'],
    ['"a\\\\b"', 'a\\b'],
    ["''", ''],
    ['""', ''],
    ['abc\\', 'abc'],
    ['a\\ b', 'a b'],
    // Variables (processDollar / processName).
    ['$PWD', '/home'],
    ['${PWD}', '/home'],
    ['$PWD/x', '/home/x'],
    ['\\$PWD', '$PWD'],
    ["'$PWD'", '$PWD'],
    ['"$PWD"', '/home'],
    ['"\\$PWD"', '$PWD'],
    ['${KOREAN}', '한국어'],
    ['$', '$'],
    ['a$', 'a$'],
    ['$.x', '$.x'],
    ['$1x', 'x'],
    ['$UNSET', ''],
    // Modifiers.
    ['${PWD:-x}', '/home'],
    ['${UNSET:-x}', 'x'],
    ['${EMPTY:-x}', 'x'],
    ['${EMPTY-x}', ''],
    ['${UNSET-x}', 'x'],
    ['${DECLARED-x}', 'x'],
    ['${PWD:+x}', 'x'],
    ['${EMPTY:+x}', ''],
    ['${EMPTY+x}', 'x'],
    ['${UNSET+x}', ''],
    ['${UNSET:-$PWD}', '/home'],
    ['${UNSET:-"a b"}', 'a b'],
    ['${PWD:?}', '/home'],
    ['${PWD#/}', 'home'],
    ['${SHELL#?}', 'ash'],
    ['${SHELL%?}', 'bas'],
    ['${SHELL%[a-h]}', 'bas'],
    ['${SHELL/a/4}', 'b4sh'],
    ['${SHELL//[ab]/_}', '__sh'],
  ];
  it.each(words)('%s → %s', (word, expected) => {
    const result = expandVariables(word, scope);
    expect(result.error).toBeUndefined();
    expect(result.value).toBe(expected);
  });

  const errors: Array<[string, RegExp]> = [
    ["he'llo", /single-quote/],
    ['"hello', /double-quote/],
    ["he\\\\'llo", /single-quote/],
    ['${}', /bad substitution/],
    ['${:}', /bad substitution/],
    ['${PWD', /missing '}'/],
    ['${PWD:=x}', /unsupported modifier \(:=\)/],
    ['${PWD:#x}', /unsupported modifier \(:#\)/],
    ['${UNSET?}', /UNSET: is not allowed to be unset/],
    ['${EMPTY:?must be set}', /EMPTY: must be set/],
  ];
  it.each(errors)('%s is an error', (word, message) => {
    const result = expandVariables(word, scope);
    expect(result.value).toBe('');
    expect(result.error).toMatch(message);
  });

  it('splits words at unquoted whitespace, including that of expanded values', () => {
    expect(expandVariables('a "b c" $WORDS "$WORDS"', scope).words).toEqual([
      'a',
      'b c',
      'x',
      'y',
      'x  y',
    ]);
  });

  it('lists plain uses of unset variables, not those with a default', () => {
    expect(
      expandVariables('$UNSET ${DECLARED} ${OTHER:-x}', scope).unset,
    ).toEqual(['UNSET', 'DECLARED']);
  });

  it('uses the escape directive’s character', () => {
    expect(expandVariables('a`$PWD\\b', scope, '`').value).toBe('a$PWD\\b');
    expect(expandVariables('"a`"b"', scope, '`').value).toBe('a"b');
  });
});
