import {
  Arg,
  Copy,
  DockerfileParser,
  From,
  Instruction,
  Run,
} from 'dockerfile-ast';
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

/** Options of {@link analyzeDockerfile}. */
export interface AnalyzeDockerfileOptions {
  /** The file name, for messages. Default `Dockerfile`. */
  file?: string;
  /** Build arguments (`--build-arg`), which override ARG defaults. */
  buildArgs?: Record<string, string>;
  /** Target platform, for the automatic TARGET* arguments. Default linux/amd64. */
  platform?: string;
}

function platformArgs(prefix: 'TARGET' | 'BUILD', platform: string) {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  return [
    [`${prefix}PLATFORM`, platform],
    [`${prefix}OS`, os],
    [`${prefix}ARCH`, arch],
    [`${prefix}VARIANT`, variant],
  ] as const;
}

/**
 * Finds every external image a Dockerfile is built from: all FROM lines
 * (stage aliases resolved, `scratch` left out), `COPY --from=<image>` and
 * `RUN --mount=…,from=<image>`, with global ARGs substituted (defaults,
 * overridden by build args) and references normalised. Never throws for a bad
 * Dockerfile: problems come back with their line numbers.
 */
export function analyzeDockerfile(
  text: string,
  options: AnalyzeDockerfileOptions = {},
): DockerfileAnalysis {
  const file = options.file ?? 'Dockerfile';
  const buildArgs = options.buildArgs ?? {};
  const dockerfile = DockerfileParser.parse(text);
  const escapeChar = dockerfile.getEscapeCharacter();
  const errors: DockerfileProblem[] = [];
  const warnings: DockerfileProblem[] = [];
  const stages: DockerfileStage[] = [];
  const bases = new Map<string, BaseImage>();

  // BuildKit's automatic platform ARGs are in the global scope of FROM lines.
  const automatic = new Map<string, string>([
    ...platformArgs('TARGET', options.platform ?? 'linux/amd64'),
    ...platformArgs('BUILD', 'linux/amd64'),
  ]);
  const globalScope = new Map<string, string | undefined>(automatic);
  let stageScope: Map<string, string | undefined> | undefined;
  const stageNames = new Map<string, number>();

  const lineOf = (instruction: Instruction) =>
    instruction.getRange().start.line + 1;
  const expand = (word: string, scope: ArgScope, line: number) => {
    const result = expandVariables(word, scope, escapeChar);
    for (const name of new Set(result.unset)) {
      warnings.push({
        line,
        message: `${file}:${line}: ARG ${name} has no value; it expands to ''`,
      });
    }
    return result.value;
  };
  const isStage = (name: string) =>
    stageNames.has(name.toLowerCase()) ||
    (/^\d+$/.test(name) && Number(name) < stages.length);

  const addBase = (
    written: string,
    expanded: string,
    usage: BaseImageUsage,
  ) => {
    const parsed = tryParseImageRef(expanded);
    if (!parsed.ok) {
      const shown =
        expanded === written
          ? `'${written}'`
          : `'${written}' (expands to '${expanded}')`;
      errors.push({
        line: usage.line,
        message: `${file}:${
          usage.line
        }: ${shown} is not a valid image reference: ${parsed.error.replace(
          /^invalid image reference(?: '.*?')?: /,
          '',
        )}`,
      });
      return undefined;
    }
    const reference = formatImageRef(parsed.ref);
    const base = bases.get(reference) ?? {
      reference,
      ...(parsed.ref.digest ? { digest: parsed.ref.digest } : {}),
      usages: [],
    };
    base.usages.push(usage);
    bases.set(reference, base);
    return reference;
  };

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = lineOf(instruction);
    if (instruction instanceof Arg) {
      const property = instruction.getProperty();
      if (!property) continue;
      const name = property.getName();
      const declared =
        property.getValue() !== null
          ? property.getUnescapedValue() ?? ''
          : undefined;
      const scope = stageScope ?? globalScope;
      // A build arg overrides the default; inside a stage, a bare ARG re-imports the global value.
      const inherited = stageScope ? globalScope.get(name) : undefined;
      const defaultValue =
        declared !== undefined ? expand(declared, scope, line) : inherited;
      scope.set(name, buildArgs[name] ?? defaultValue);
    } else if (instruction instanceof From) {
      const written = instruction.getImage();
      const index = stages.length;
      const alias = instruction.getBuildStage() ?? undefined;
      stageScope = new Map(automatic);
      if (!written) {
        errors.push({ line, message: `${file}:${line}: FROM needs an image` });
        stages.push({ index, name: alias, line, from: '' });
      } else {
        const expanded = expand(written, globalScope, line);
        const platformFlag = instruction.getPlatformFlag()?.getValue();
        const platform = platformFlag
          ? expand(platformFlag, globalScope, line)
          : undefined;
        let from: string;
        if (expanded.toLowerCase() === 'scratch') {
          from = 'scratch';
        } else if (isStage(expanded)) {
          from = expanded;
        } else {
          from =
            addBase(written, expanded, {
              kind: 'from',
              line,
              written,
              stage: alias ?? String(index),
              ...(platform ? { platform } : {}),
            }) ?? expanded;
        }
        stages.push({ index, ...(alias ? { name: alias } : {}), line, from });
      }
      if (alias) stageNames.set(alias.toLowerCase(), index);
    } else if (keyword === 'COPY' || keyword === 'ADD' || keyword === 'RUN') {
      const scope = stageScope ?? globalScope;
      const stage = stages.length > 0 ? stages[stages.length - 1] : undefined;
      const stageLabel = stage?.name ?? String(stage?.index ?? 0);
      for (const written of externalSources(instruction)) {
        const expanded = expand(written.value, scope, line);
        if (isStage(expanded)) continue;
        addBase(written.value, expanded, {
          kind: written.kind,
          line,
          written: written.value,
          stage: stageLabel,
        });
      }
    }
  }

  if (stages.length === 0) {
    errors.push({ line: 1, message: `${file}: has no FROM instruction` });
  }
  return { file, bases: [...bases.values()], stages, errors, warnings };
}

/** The `--from` of COPY/ADD and the `from=` of RUN mounts. */
function externalSources(
  instruction: Instruction,
): Array<{ kind: 'copy-from' | 'mount-from'; value: string }> {
  const out: Array<{ kind: 'copy-from' | 'mount-from'; value: string }> = [];
  if (instruction instanceof Copy) {
    const from = instruction.getFromFlag()?.getValue();
    if (from) out.push({ kind: 'copy-from', value: from });
  } else if (instruction instanceof Run) {
    for (const flag of instruction.getFlags()) {
      if (flag.getName() !== 'mount') continue;
      for (const option of (flag.getValue() ?? '').split(',')) {
        const [key, ...value] = option.split('=');
        if (key.trim() === 'from' && value.length > 0) {
          out.push({ kind: 'mount-from', value: value.join('=').trim() });
        }
      }
    }
  }
  return out;
}
