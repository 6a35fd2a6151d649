import {
  BaseImage,
  BaseImageUsage,
  DockerfileAnalysis,
  DockerfileProblem,
  DockerfileStage,
  formatImageRef,
  tryParseImageRef,
} from '@image-factory/plugin-image-factory-common';
import { ArgScope, expandVariables } from './expandVariables';
import { flagValues, parseMountOptions, parseWords } from './instructionWords';
import { DockerfileInstruction, parseDockerfile } from './parseDockerfile';

/** Options of {@link analyzeDockerfile}. */
export interface AnalyzeDockerfileOptions {
  /** The file name, for messages. Default `Dockerfile`. */
  file?: string;
  /** Build arguments (`--build-arg`), which override ARG defaults. */
  buildArgs?: Record<string, string>;
  /** Target platform, for the automatic TARGET* arguments. Default linux/amd64. */
  platform?: string;
}

/** BuildKit's instructions (parser.go dispatch table); anything else is an error. */
const KNOWN_INSTRUCTIONS = new Set([
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
]);
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
const WHITESPACE = /[\t\v\f\r ]+/;
const EMPTY_SCOPE: ArgScope = new Map();

function platformArgs(prefix: 'TARGET' | 'BUILD', platform: string) {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  return [
    [`${prefix}PLATFORM`, platform],
    [`${prefix}OS`, os],
    [`${prefix}ARCH`, arch],
    [`${prefix}VARIANT`, variant],
  ] as const;
}

/** `FROM image [AS name]` (instructions/parse.go parseFrom). */
function fromParts(instruction: DockerfileInstruction) {
  const words =
    instruction.args === '' ? [] : instruction.args.split(WHITESPACE);
  if (words.length === 1) return { image: words[0] };
  if (words.length === 3 && words[1].toLowerCase() === 'as') {
    return { image: words[0], name: words[2] };
  }
  return { image: words[0] ?? '', invalid: true };
}

/**
 * Finds every external image a Dockerfile is built from, reading it as
 * BuildKit does: all FROM lines (stage names resolved, `scratch` left out),
 * `COPY --from=<image>` and `RUN --mount=…,from=<image>`, with global ARGs
 * substituted in FROM lines (defaults, overridden by build args) and
 * references normalised. Never throws for a bad Dockerfile: problems come back
 * with their line numbers.
 */
export function analyzeDockerfile(
  text: string,
  options: AnalyzeDockerfileOptions = {},
): DockerfileAnalysis {
  const file = options.file ?? 'Dockerfile';
  const buildArgs = options.buildArgs ?? {};
  const parsed = parseDockerfile(text);
  const escape = parsed.escapeToken;
  const errors: DockerfileProblem[] = [];
  const warnings: DockerfileProblem[] = [];
  const stages: DockerfileStage[] = [];
  const bases = new Map<string, BaseImage>();
  const problem = (list: DockerfileProblem[], line: number, message: string) =>
    list.push({ line, message: `${file}:${line}: ${message}` });
  for (const e of parsed.errors) problem(errors, e.line, e.message);

  // Every stage name, so COPY --from and mounts can name any stage.
  const allStageNames = new Set(
    parsed.instructions
      .filter(i => i.keyword === 'from')
      .map(i => fromParts(i).name?.toLowerCase())
      .filter((n): n is string => !!n),
  );
  const stageCount = parsed.instructions.filter(
    i => i.keyword === 'from',
  ).length;
  const earlierStages = new Map<string, number>();

  // Global scope: BuildKit's automatic platform ARGs, then the ARGs before the first FROM.
  const globalScope = new Map<string, string | undefined>([
    ...platformArgs('TARGET', options.platform ?? 'linux/amd64'),
    ...platformArgs('BUILD', 'linux/amd64'),
  ]);
  // A stage sees only its own ARGs and ENVs (a global ARG must be redeclared).
  let stageScope: Map<string, string | undefined> | undefined;

  /** Expands a word; problems and unset variables are reported on `line`. */
  const expand = (
    word: string,
    scope: ArgScope,
    line: number,
    warnUnset: boolean,
  ) => {
    const result = expandVariables(word, scope, escape);
    if (result.error) problem(errors, line, result.error);
    if (warnUnset) {
      for (const name of new Set(result.unset)) {
        problem(warnings, line, `ARG ${name} has no value; it expands to ''`);
      }
    }
    return result;
  };

  const addBase = (
    written: string,
    expanded: string,
    usage: BaseImageUsage,
  ) => {
    const ref = tryParseImageRef(expanded);
    if (!ref.ok) {
      const shown =
        expanded === written
          ? `'${written}'`
          : `'${written}' (expands to '${expanded}')`;
      problem(
        errors,
        usage.line,
        `${shown} is not a valid image reference: ${ref.error.replace(
          /^invalid image reference(?: '.*?')?: /,
          '',
        )}`,
      );
      return undefined;
    }
    const reference = formatImageRef(ref.ref);
    const base = bases.get(reference) ?? {
      reference,
      ...(ref.ref.digest ? { digest: ref.ref.digest } : {}),
      usages: [],
    };
    base.usages.push(usage);
    bases.set(reference, base);
    return reference;
  };

  const declareArgs = (instruction: DockerfileInstruction) => {
    const line = instruction.startLine;
    const words = parseWords(instruction.args, escape);
    if (words.length === 0)
      problem(errors, line, 'ARG requires at least one argument');
    for (const word of words) {
      const eq = word.indexOf('=');
      const scope = stageScope ?? globalScope;
      const name = expand(
        eq === -1 ? word : word.slice(0, eq),
        scope,
        line,
        false,
      ).value;
      if (name === '') {
        problem(errors, line, 'ARG names can not be blank');
        continue;
      }
      const declared = eq === -1 ? undefined : word.slice(eq + 1);
      // A build arg wins; else the default (expanded in the current scope);
      // inside a stage, a bare ARG takes the global value.
      let value: string | undefined = buildArgs[name];
      if (value === undefined && declared !== undefined) {
        value = expand(declared, scope, line, false).value;
      }
      if (value === undefined && stageScope) value = globalScope.get(name);
      scope.set(name, value);
    }
  };

  const setEnv = (instruction: DockerfileInstruction) => {
    const line = instruction.startLine;
    const scope = stageScope ?? globalScope;
    const words = parseWords(instruction.args, escape);
    if (words.length === 0) return;
    if (!words[0].includes('=')) {
      // The old form: ENV name value (the value is the rest of the line).
      const [name] = instruction.args.split(WHITESPACE, 1);
      const value = instruction.args.slice(name.length).replace(/^\s+/, '');
      scope.set(name, expand(value, scope, line, false).value);
      return;
    }
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq <= 0) continue;
      scope.set(
        word.slice(0, eq),
        expand(word.slice(eq + 1), scope, line, false).value,
      );
    }
  };

  const addFrom = (instruction: DockerfileInstruction) => {
    const line = instruction.startLine;
    const index = stages.length;
    const { image: written, name, invalid } = fromParts(instruction);
    stageScope = new Map();
    if (!written) {
      problem(errors, line, 'FROM needs an image');
      stages.push({ index, ...(name ? { name } : {}), line, from: '' });
      return;
    }
    if (invalid)
      problem(errors, line, 'FROM requires either one or three arguments');
    if (name && !STAGE_NAME.test(name.toLowerCase())) {
      problem(
        errors,
        line,
        `invalid name for build stage: '${name}', name can't start with a number or contain symbols`,
      );
    }
    const expansion = expand(written, globalScope, line, true);
    if (expansion.error) {
      stages.push({ index, ...(name ? { name } : {}), line, from: '' });
      if (name) earlierStages.set(name.toLowerCase(), index);
      return;
    }
    const expanded = expansion.value;
    const platformFlag = flagValues(instruction.flags, 'platform').pop();
    const platform = platformFlag
      ? expand(platformFlag, globalScope, line, true).value
      : undefined;
    let from: string;
    if (expanded === 'scratch') {
      from = 'scratch';
    } else if (earlierStages.has(expanded.toLowerCase())) {
      from = expanded;
    } else {
      from =
        addBase(written, expanded, {
          kind: 'from',
          line,
          written,
          stage: name ?? String(index),
          ...(platform ? { platform } : {}),
        }) ?? expanded;
    }
    stages.push({ index, ...(name ? { name } : {}), line, from });
    if (name) earlierStages.set(name.toLowerCase(), index);
  };

  const isStageRef = (ref: string, byIndex: boolean) =>
    allStageNames.has(ref.toLowerCase()) ||
    (byIndex && /^\d+$/.test(ref) && Number(ref) < stageCount);

  const addSources = (instruction: DockerfileInstruction) => {
    const line = instruction.startLine;
    const stage = stages[stages.length - 1];
    const usage = { line, stage: stage?.name ?? String(stage?.index ?? 0) };
    if (instruction.keyword === 'copy') {
      for (const from of flagValues(instruction.flags, 'from')) {
        // BuildKit does not expand variables in --from (and says so since #6153).
        const literal = expandVariables(from, EMPTY_SCOPE, escape);
        if (literal.error || literal.value !== from) {
          problem(
            errors,
            line,
            'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
          );
          continue;
        }
        if (isStageRef(from, true)) continue;
        addBase(from, from, { kind: 'copy-from', written: from, ...usage });
      }
      return;
    }
    for (const mount of flagValues(instruction.flags, 'mount')) {
      const mountOptions = parseMountOptions(mount);
      const type =
        mountOptions.find(o => o.key === 'type')?.value?.toLowerCase() ??
        'bind';
      for (const option of mountOptions) {
        if (option.key !== 'from' || !option.value) continue;
        if (/\$./.test(option.value)) {
          problem(
            errors,
            line,
            "'from' doesn't support variable expansion, define alias stage instead",
          );
          continue;
        }
        if (type === 'secret' || option.value === 'scratch') continue;
        if (isStageRef(option.value, false)) continue;
        addBase(option.value, option.value, {
          kind: 'mount-from',
          written: option.value,
          ...usage,
        });
      }
    }
  };

  for (const instruction of parsed.instructions) {
    const { keyword } = instruction;
    if (
      stages.length === 0 &&
      keyword !== 'arg' &&
      keyword !== 'from' &&
      KNOWN_INSTRUCTIONS.has(keyword)
    ) {
      // Only ARG may come before the first FROM (an ENV there changes nothing).
      problem(
        errors,
        instruction.startLine,
        'no build stage in current context',
      );
      continue;
    }
    switch (keyword) {
      case 'arg':
        declareArgs(instruction);
        break;
      case 'env':
        setEnv(instruction);
        break;
      case 'from':
        addFrom(instruction);
        break;
      case 'copy':
      case 'run':
        addSources(instruction);
        break;
      default:
        if (!KNOWN_INSTRUCTIONS.has(instruction.keyword)) {
          problem(
            errors,
            instruction.startLine,
            `unknown instruction ${instruction.keyword.toUpperCase()}`,
          );
        }
    }
  }

  if (stages.length === 0) {
    errors.push({ line: 1, message: `${file}: has no FROM instruction` });
  }
  return { file, bases: [...bases.values()], stages, errors, warnings };
}
