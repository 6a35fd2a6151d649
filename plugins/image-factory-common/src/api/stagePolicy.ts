/**
 * How a version enters a stage: `auto` (as soon as the stage before holds it,
 * or for the first stage, as soon as it is built), `manual` (a person
 * promotes it) or `approval` (a person promotes it, another approves).
 *
 * @public
 */
export type ImageStagePromotion = 'auto' | 'manual' | 'approval';

/**
 * A check a version must pass before it enters a stage: a container run.
 *
 * @public
 */
export type ImageStageCheck = {
  /** Names the check in logs and on the Lifecycle tab. */
  name: string;
  /**
   * What runs: `self` (default, the version being promoted, pulled by
   * digest) or another image reference, e.g. a test runner.
   */
  image?: string;
  /** The command (exec form); default: the image's own entrypoint and command. */
  command?: string[];
  /** Environment variables of the run. */
  env?: Record<string, string>;
  /** How long it may run, e.g. `5m` (default 10m). */
  timeout?: string;
  /** The platforms it runs on (default: every platform of the image). */
  platforms?: string[];
};

/**
 * Where a file of another repository names the image, to be pinned to the
 * stage's new digest by a pull request.
 *
 * @public
 */
export type ImageStageUpdate = {
  /** GitHub repository as `owner/name`. */
  repository: string;
  /** Branch the pull request targets; default: the repository's default branch. */
  branch?: string;
  /** The file, relative to the repository root. */
  file: string;
  /**
   * How the file names the image: a kustomization's `images` entry, Helm
   * values (`image.repository` with `image.tag`/`image.digest`), a YAML
   * path of a manifest, or a Dockerfile `FROM`.
   */
  kind: 'kustomize' | 'helm' | 'manifest' | 'dockerfile';
  /**
   * For `helm`, the key of the image block (default `image`); for
   * `manifest`, the YAML path of the image field, e.g.
   * `spec.template.spec.containers[0].image` (default: every `image:` field
   * naming the image's repository).
   */
  path?: string;
};

/**
 * The policy of one lifecycle stage of an image, from images.yaml.
 *
 * @public
 */
export type ImageStagePolicy = {
  /** The stage's name (`dev`, `staging`, `prod`). */
  name: string;
  /** The registry tag that names the stage's version (default: the name). */
  tag?: string;
  /** Default: `auto` for the first stage, `manual` for the others. */
  promotion?: ImageStagePromotion;
  /** For `approval`: the groups (entity refs) whose members may approve. */
  approvers?: string[];
  /** Minimum time the version spent in the stage before, e.g. `1h`. */
  soak?: string;
  /** Checks that must pass for the exact digest before it enters. */
  verify?: ImageStageCheck[];
  /** Files in other repositories pinned to the digest once it entered. */
  updates?: ImageStageUpdate[];
};
