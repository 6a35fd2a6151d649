import { z } from 'zod/v4';

/**
 * How a Dockerfile uses an image.
 *
 * @public
 */
export type BaseImageUsageKind = 'from' | 'copy-from' | 'mount-from';

/**
 * One place where a Dockerfile uses an external image.
 *
 * @public
 */
export interface BaseImageUsage {
  /** `from` for a FROM line, `copy-from` for `COPY --from`, `mount-from` for `RUN --mount=…,from=`. */
  kind: BaseImageUsageKind;
  /** 1-based line of the instruction. */
  line: number;
  /** The reference as written, before ARG substitution. */
  written: string;
  /** The stage this usage belongs to: its alias, or its index as a string. */
  stage: string;
  /** The `--platform` of the FROM line, after substitution, if any. */
  platform?: string;
}

/**
 * An external image a Dockerfile is built from, deduplicated by reference.
 *
 * @public
 */
export interface BaseImage {
  /** Canonical reference, e.g. `docker.io/library/node:22`. */
  reference: string;
  /** The digest pinned in the reference, if any. */
  digest?: string;
  /** Every place the Dockerfile uses it, in file order. */
  usages: BaseImageUsage[];
}

/**
 * A build stage of a Dockerfile.
 *
 * @public
 */
export interface DockerfileStage {
  /** 0-based position among the FROM lines. */
  index: number;
  /** The `AS` alias, if any. */
  name?: string;
  /** 1-based line of the FROM instruction. */
  line: number;
  /** `scratch`, the name or index of an earlier stage, or a canonical reference. */
  from: string;
}

/**
 * A problem found while analyzing a Dockerfile, with its line.
 *
 * @public
 */
export interface DockerfileProblem {
  /** 1-based line. */
  line: number;
  /** The problem, starting with `file:line:`. */
  message: string;
}

/**
 * What the analyzer found in one Dockerfile: the response of
 * `POST /api/image-factory/analyses` and the output of `image-factory analyze`.
 *
 * @public
 */
export interface DockerfileAnalysis {
  /** The file name used in messages. */
  file: string;
  /** The external images, in order of first use. */
  bases: BaseImage[];
  /** The build stages, in order. */
  stages: DockerfileStage[];
  /** Bases that could not be determined. */
  errors: DockerfileProblem[];
  /** Things worth a look, such as an ARG used without a value. */
  warnings: DockerfileProblem[];
}

/** Largest Dockerfile the analysis endpoint accepts, in characters. */
const MAX_DOCKERFILE_LENGTH = 256 * 1024;

/**
 * The body of `POST /api/image-factory/analyses`.
 *
 * @public
 */
export const analyzeDockerfileRequestSchema = z
  .object({
    dockerfile: z
      .string()
      .min(1, 'must not be empty')
      .max(
        MAX_DOCKERFILE_LENGTH,
        `must be at most ${MAX_DOCKERFILE_LENGTH} characters`,
      )
      .describe('The text of the Dockerfile.'),
    file: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe('The file name to use in messages. Default: Dockerfile.'),
    buildArgs: z
      .record(
        z
          .string()
          .regex(
            /^[A-Za-z_][A-Za-z0-9_]*$/,
            'build arg names must be valid identifiers',
          ),
        z.string(),
      )
      .optional()
      .describe('Build arguments, which override ARG defaults.'),
    platform: z
      .string()
      .regex(
        /^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/,
        "must be 'os/arch' or 'os/arch/variant'",
      )
      .optional()
      .describe(
        'Target platform for the TARGET* arguments. Default: linux/amd64.',
      ),
  })
  .strict();

/**
 * The body of `POST /api/image-factory/analyses`.
 *
 * @public
 */
export type AnalyzeDockerfileRequest = z.input<
  typeof analyzeDockerfileRequestSchema
>;
