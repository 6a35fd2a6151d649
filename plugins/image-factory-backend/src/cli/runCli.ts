import { promises as fs } from 'fs';
import path from 'path';
import {
  analyzeDockerfile,
  BUILD_FEATURES,
  requiredBuildFeatures,
} from '../analysis';

const USAGE = `Usage: image-factory analyze <Dockerfile> [--build-arg NAME=VALUE]... [--platform os/arch]

Prints the base images of a Dockerfile as JSON: every FROM, COPY --from and
RUN --mount from= image, with ARGs substituted, stage aliases resolved and
references normalised, each with its line numbers and stage.
Exit code: 0 when every base was resolved, 1 when some could not be, 2 for usage errors.`;

/** Where the CLI writes, so that tests can capture it. */
export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs `image-factory <args>` and returns the exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'analyze') {
    io.stderr(
      `${
        command ? `Unknown command '${command}'.` : 'No command given.'
      }\n\n${USAGE}\n`,
    );
    return 2;
  }

  const buildArgs: Record<string, string> = {};
  let platform: string | undefined;
  let file: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = (flag: string) => {
      if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
      i += 1;
      return rest[i];
    };
    if (arg === '--build-arg' || arg.startsWith('--build-arg=')) {
      const pair = value('--build-arg');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 1) {
        io.stderr(`--build-arg: expected NAME=VALUE, got '${pair ?? ''}'\n`);
        return 2;
      }
      buildArgs[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg === '--platform' || arg.startsWith('--platform=')) {
      platform = value('--platform');
      if (!platform || !/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(platform)) {
        io.stderr(
          `--platform: expected os/arch[/variant], got '${platform ?? ''}'\n`,
        );
        return 2;
      }
    } else if (arg.startsWith('-')) {
      io.stderr(`Unknown option '${arg}'.\n\n${USAGE}\n`);
      return 2;
    } else if (file) {
      io.stderr(
        `Only one Dockerfile can be analyzed at a time (got '${file}' and '${arg}').\n`,
      );
      return 2;
    } else {
      file = arg;
    }
  }
  if (!file) {
    io.stderr(`No Dockerfile given.\n\n${USAGE}\n`);
    return 2;
  }

  let text: string;
  try {
    text = await fs.readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    io.stderr(
      `Cannot read ${file}: ${
        (e as NodeJS.ErrnoException).code ?? String(e)
      }\n`,
    );
    return 2;
  }
  const analysis = analyzeDockerfile(text, { file, buildArgs, platform });
  // What a builder must read to build it (an engine that reads less refuses it).
  const buildFeatures = requiredBuildFeatures(text).map(use => ({
    ...use,
    title: BUILD_FEATURES[use.feature].title,
    minDockerfileFrontend: BUILD_FEATURES[use.feature].minDockerfileFrontend,
    classicBuilder: BUILD_FEATURES[use.feature].classic,
  }));
  io.stdout(`${JSON.stringify({ ...analysis, buildFeatures }, null, 2)}\n`);
  for (const problem of [...analysis.warnings, ...analysis.errors]) {
    io.stderr(`${problem.message}\n`);
  }
  return analysis.errors.length > 0 ? 1 : 0;
}
