/*
 * Which Dockerfile features a file uses that not every builder reads, with
 * the line of each use, so a build can be refused before it starts with a
 * message naming the line. Versions are those of BuildKit's built-in
 * Dockerfile frontend (docker/dockerfile release notes; Docker 20.10 ships
 * 1.2, which has RUN --mount and --chmod but no heredocs or --link).
 */
import { flagIsTrue, flagValues, parseWords } from './instructionWords';
import { DockerfileInstruction, parseDockerfile } from './parseDockerfile';

/** A Dockerfile feature that some builders do not read. */
export type BuildFeature =
  | 'syntax-directive'
  | 'heredoc'
  | 'copy-link'
  | 'run-mount'
  | 'run-network'
  | 'run-security'
  | 'copy-chmod'
  | 'add-checksum'
  | 'add-git'
  | 'copy-parents'
  | 'copy-exclude'
  | 'platform-flag'
  | 'platform-args'
  | 'variable-posix-modifiers'
  | 'variable-pattern-modifiers';

/** One use of a feature: its 1-based line (the first line of a continued instruction) and text. */
export interface BuildFeatureUse {
  feature: BuildFeature;
  line: number;
  /** The instruction as one line (continuations joined), or the directive line. */
  text: string;
}

/** What each feature is called in messages, and which builders read it. */
export interface BuildFeatureInfo {
  /** For messages: `heredoc (RUN <<EOF)`. */
  title: string;
  /** The first Dockerfile frontend version that reads it (`labs` tells whether only its -labs image does). */
  minDockerfileFrontend: string;
  /** Only the `docker/dockerfile:<version>-labs` frontend images read it: never a built-in frontend. */
  labs: boolean;
  /** Whether the classic (pre-BuildKit) builder reads it. */
  classic: boolean;
}

export const BUILD_FEATURES: Record<BuildFeature, BuildFeatureInfo> = {
  'syntax-directive': {
    title: 'a # syntax= directive (BuildKit pulls that frontend image)',
    minDockerfileFrontend: '1.0',
    labs: false,
    // The classic builder takes it for a comment and builds with its own parser.
    classic: false,
  },
  heredoc: {
    title: 'heredoc (RUN <<EOF)',
    minDockerfileFrontend: '1.4',
    labs: false,
    classic: false,
  },
  'copy-link': {
    title: 'COPY --link',
    minDockerfileFrontend: '1.4',
    labs: false,
    classic: false,
  },
  'run-mount': {
    title: 'RUN --mount',
    minDockerfileFrontend: '1.2',
    labs: false,
    classic: false,
  },
  'run-network': {
    title: 'RUN --network',
    minDockerfileFrontend: '1.3',
    labs: false,
    classic: false,
  },
  'run-security': {
    title: 'RUN --security',
    minDockerfileFrontend: '1.1',
    labs: true,
    classic: false,
  },
  'copy-chmod': {
    title: 'COPY --chmod',
    minDockerfileFrontend: '1.2',
    labs: false,
    classic: false,
  },
  'add-checksum': {
    title: 'ADD --checksum',
    minDockerfileFrontend: '1.6',
    labs: false,
    classic: false,
  },
  'add-git': {
    title: 'ADD of a Git repository',
    minDockerfileFrontend: '1.6',
    labs: false,
    classic: false,
  },
  'copy-parents': {
    title: 'COPY --parents',
    minDockerfileFrontend: '1.7',
    labs: true,
    classic: false,
  },
  'copy-exclude': {
    title: 'COPY --exclude',
    minDockerfileFrontend: '1.7',
    labs: true,
    classic: false,
  },
  'platform-flag': {
    title: 'FROM --platform',
    minDockerfileFrontend: '1.0',
    labs: false,
    classic: true,
  },
  'platform-args': {
    title:
      'the automatic platform arguments (BUILDPLATFORM, TARGETPLATFORM, TARGETARCH, …)',
    minDockerfileFrontend: '1.0',
    labs: false,
    // The classic builder does not set them: they expand to ''.
    classic: false,
  },
  'variable-posix-modifiers': {
    // moby/buildkit#3611; Docker 20.10 says "missing ':' in substitution".
    title:
      'a substitution without a colon (${VAR-default}, ${VAR+alt}, ${VAR?msg})',
    minDockerfileFrontend: '1.6',
    labs: false,
    classic: false,
  },
  'variable-pattern-modifiers': {
    // moby/buildkit#4287 and #4427.
    title: 'a pattern substitution (${VAR#pre}, ${VAR%suf}, ${VAR/old/new})',
    minDockerfileFrontend: '1.7',
    labs: false,
    classic: false,
  },
};

const PLATFORM_ARGS = new Set(
  ['BUILD', 'TARGET'].flatMap(p =>
    ['PLATFORM', 'OS', 'ARCH', 'VARIANT'].map(s => `${p}${s}`),
  ),
);
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVE_NAMES = new Set(['syntax', 'escape', 'check']);
/** BuildKit's gitutil.IsGitRef, near enough: scp-like, git://, ssh://, *.git URLs, github.com/… */
const GIT_REF =
  /^(?:git@[^:]+:|git:\/\/|ssh:\/\/|https?:\/\/[^#]*\.git(?:$|#)|github\.com\/)/;

/**
 * The `# syntax=` directive as BuildKit's DetectSyntax finds it: after an
 * optional BOM and `#!` line, among the leading `#` (or `//`) directive lines.
 */
function syntaxDirective(lines: string[]): BuildFeatureUse | undefined {
  let start = 0;
  if (lines[0]?.startsWith('#!')) start = 1;
  for (const comment of ['#', '//']) {
    const seen = new Set<string>();
    for (let i = start; i < lines.length; i++) {
      const line = lines[i].replace(/\r$/, '');
      if (!line.startsWith(comment)) break;
      const match = DIRECTIVE.exec(line.slice(comment.length).trimStart());
      const name = match?.[1].toLowerCase();
      if (!match || !name || !DIRECTIVE_NAMES.has(name) || seen.has(name))
        break;
      seen.add(name);
      if (name === 'syntax') {
        return { feature: 'syntax-directive', line: i + 1, text: line.trim() };
      }
    }
  }
  return undefined;
}

/** Whether a word uses one of the automatic platform ARGs ($X, ${X}, ${X:-…}). */
function usesPlatformArg(word: string): boolean {
  return [...word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].some(m =>
    PLATFORM_ARGS.has(m[1]),
  );
}

/** Instructions whose arguments BuildKit expands (RUN, CMD, … are left to the shell). */
const EXPANDED = new Set([
  'add',
  'arg',
  'copy',
  'env',
  'expose',
  'from',
  'label',
  'onbuild',
  'stopsignal',
  'user',
  'volume',
  'workdir',
]);

/** The substitution forms newer frontends added, used in the expanded parts of an instruction. */
function modifierFeatures(instruction: DockerfileInstruction): BuildFeature[] {
  const expanded = [
    ...instruction.flags,
    ...(EXPANDED.has(instruction.keyword) ? [instruction.args] : []),
  ].join(' ');
  const modifiers = [
    ...expanded.matchAll(/\$\{[A-Za-z_][A-Za-z0-9_]*(:?)([-+?#%/])/g),
  ];
  const features: BuildFeature[] = [];
  if (modifiers.some(m => m[1] === '' && '-+?'.includes(m[2]))) {
    features.push('variable-posix-modifiers');
  }
  if (modifiers.some(m => '#%/'.includes(m[2]))) {
    features.push('variable-pattern-modifiers');
  }
  return features;
}

function featuresOf(
  instruction: DockerfileInstruction,
  escape: string,
): BuildFeature[] {
  const { keyword, flags, args } = instruction;
  const features: BuildFeature[] = [];
  const has = (name: string) =>
    flags.some(f => f === `--${name}` || f.startsWith(`--${name}=`));
  if (instruction.heredocs.length > 0) features.push('heredoc');
  if (keyword === 'from') {
    const platform = flagValues(flags, 'platform');
    if (platform.length > 0) features.push('platform-flag');
    const image = args.split(/\s+/)[0] ?? '';
    if ([...platform, image].some(usesPlatformArg)) {
      features.push('platform-args');
    }
  }
  if (keyword === 'arg') {
    const names = parseWords(args, escape).map(w => w.split('=')[0]);
    if (names.some(n => PLATFORM_ARGS.has(n))) features.push('platform-args');
  }
  if (keyword === 'run') {
    if (has('mount')) features.push('run-mount');
    if (has('network')) features.push('run-network');
    if (has('security')) features.push('run-security');
  }
  if (keyword === 'copy' || keyword === 'add') {
    if (flagIsTrue(flags, 'link')) features.push('copy-link');
    if (has('chmod')) features.push('copy-chmod');
    if (has('exclude')) features.push('copy-exclude');
  }
  if (keyword === 'copy' && flagIsTrue(flags, 'parents')) {
    features.push('copy-parents');
  }
  if (keyword === 'add') {
    if (has('checksum')) features.push('add-checksum');
    const sources = parseWords(args, escape).slice(0, -1);
    if (has('keep-git-dir') || sources.some(s => GIT_REF.test(s))) {
      features.push('add-git');
    }
  }
  return [...features, ...modifierFeatures(instruction)];
}

/**
 * Every use of a feature some builders do not read, in file order: the
 * Dockerfile is read as BuildKit reads it (directives, continuations,
 * heredocs), so heredoc bodies and comments never count.
 */
export function requiredBuildFeatures(dockerfile: string): BuildFeatureUse[] {
  const parsed = parseDockerfile(dockerfile);
  const lines = dockerfile.replace(/^\uFEFF/, '').split('\n');
  const uses: BuildFeatureUse[] = [];
  const syntax = syntaxDirective(lines);
  if (syntax) uses.push(syntax);
  for (const instruction of parsed.instructions) {
    for (const feature of featuresOf(instruction, parsed.escapeToken)) {
      uses.push({
        feature,
        line: instruction.startLine,
        text: instruction.original,
      });
    }
  }
  return uses;
}
