import type { ProviderBuilder } from '@image-factory/plugin-image-factory-common';

/** `BuildKit (Dockerfile frontend 1.2)` or `classic builder`. */
export function builderLabel(builder: ProviderBuilder): string {
  if (builder.builder === 'classic') return 'classic builder';
  return builder.dockerfileFrontend
    ? `BuildKit (Dockerfile frontend ${builder.dockerfileFrontend})`
    : 'BuildKit';
}
