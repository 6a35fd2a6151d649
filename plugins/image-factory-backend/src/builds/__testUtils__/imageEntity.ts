import {
  IMAGE_FACTORY_API_VERSION,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';

/** A managed Image entity as the images.yaml reader makes it, with what the engine reads. */
export function imageEntity(options: {
  name: string;
  registry: string;
  repository: string;
  tag?: string;
  platforms: string[];
  source?: {
    repo: string;
    branch?: string;
    dockerfile: string;
    context: string;
  };
  buildArgs?: Record<string, string>;
  type?: 'managed' | 'base' | 'external';
  /** Lifecycle stages by name. */
  stages?: string[];
}): ImageEntityV1alpha1 {
  const tag = options.tag ?? 'latest';
  return {
    apiVersion: IMAGE_FACTORY_API_VERSION,
    kind: 'Image',
    metadata: { name: options.name, namespace: 'default' },
    spec: {
      type: options.type ?? 'managed',
      owner: 'group:default/team-web',
      reference: `${options.registry}/${options.repository}:${tag}`,
      registry: options.registry,
      repository: options.repository,
      tag,
      platforms: options.platforms,
      ...(options.source
        ? {
            source: {
              provider: 'github',
              branch: 'main',
              ...options.source,
            },
          }
        : {}),
      ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}),
      ...(options.stages ? { stages: options.stages } : {}),
    },
  };
}
