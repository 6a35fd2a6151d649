import type { WheelSet } from '@image-factory/plugin-image-factory-common';

/** The builder a target of a set runs in, or why it has none. */
export type BuilderChoice =
  | {
      ok: true;
      /** What the Docker engine runs: a digest reference for a factory-built builder. */
      image: string;
      /** The Image entity of a builder the factory builds; absent for a configured one. */
      imageEntityRef?: string;
      /** How it was chosen, for the plan's log. */
      description: string;
    }
  | { ok: false; error: string };

/** Chooses the builder of each target, and makes it present in the engine. */
export interface BuilderImages {
  choose(
    set: WheelSet,
    platform: string,
    signal?: AbortSignal,
  ): Promise<BuilderChoice>;
  /**
   * Makes a chosen builder present in the refinery's engine (a build may
   * run on another backend than the plan); its image id.
   */
  ensurePresent(
    image: string,
    platform: string,
    signal?: AbortSignal,
  ): Promise<string | undefined>;
}

const CONFIG_KEY = 'imageFactory.refinery.builders';

/** The builder configured for a platform (`imageFactory.refinery.builders`). */
export function configuredBuilder(
  builders: Record<string, string>,
  platform: string,
): BuilderChoice {
  const image = builders[platform];
  if (!image) {
    return {
      ok: false,
      error: `No builder for ${platform}: the refinery has builders for ${
        Object.keys(builders).join(', ') || 'no platform'
      } (${CONFIG_KEY})`,
    };
  }
  return {
    ok: true,
    image,
    description: `the configured builder of ${platform} (${CONFIG_KEY})`,
  };
}

/** Only the configured builders: a set's `builder` is not looked up. */
export function configuredBuilders(
  builders: Record<string, string>,
): BuilderImages {
  return {
    choose: async (_set, platform) => configuredBuilder(builders, platform),
    ensurePresent: async () => undefined,
  };
}
