/*
 * One push shows up to three digests: the manifest the engine pushed, the
 * manifest the factory pushes again with its labels (the one the image index
 * lists), and the index itself. Every log line that shows a digest says which
 * one it is.
 */

const ENGINE_DIGEST_LINE = /^(\S+): digest: (sha256:[0-9a-f]{64}) size: (\d+)$/;

/** The engine's "<tag>: digest: sha256:… size: N" line, saying what it is. */
export function describeEngineLine(line: string): string {
  const match = ENGINE_DIGEST_LINE.exec(line);
  if (!match) return line;
  return `${match[1]}: engine manifest ${match[2]} (before the factory's labels) size: ${match[3]}`;
}

/** The line for a pushed platform, naming each digest it shows. */
export function platformPushedLine(options: {
  platform: string;
  engineDigest: string;
  manifestDigest: string;
  durationMs: number;
}): string {
  const seconds = (options.durationMs / 1000).toFixed(1);
  const relabelled =
    options.engineDigest === options.manifestDigest
      ? ''
      : `; engine manifest ${options.engineDigest} relabelled`;
  return `Pushed ${options.platform} in ${seconds} s: platform manifest ${options.manifestDigest} (listed in the image index${relabelled})`;
}

/** The line for the pushed image index. */
export function indexPushedLine(
  reference: string,
  indexDigest: string,
): string {
  return `Pushed ${reference}: image index ${indexDigest} (what a pull resolves; it lists each platform manifest above)`;
}
