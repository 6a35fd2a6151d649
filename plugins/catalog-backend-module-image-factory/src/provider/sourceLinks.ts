import { Config } from '@backstage/config';
import {
  ANNOTATION_EDIT_URL,
  ANNOTATION_VIEW_URL,
  Entity,
} from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_ENTRY,
  ImageEntityV1alpha1,
  isImageEntity,
} from '@image-factory/plugin-image-factory-common';
import {
  ProviderConfig,
  sourceWebUrl,
} from '@image-factory/plugin-image-factory-node';

type Source = NonNullable<ImageEntityV1alpha1['spec']['source']>;

/** Links on the configured source host, never a guessed github.com. */
export interface SourceLinks {
  /** The Dockerfile on the source host, for a source with provider github. */
  dockerfileUrl(source: Source): string | undefined;
  /** The edit page of images.yaml at a URL location on a GitHub host. */
  editUrl(location: string): string | undefined;
}

function encodePath(path: string): string {
  return path
    .split('/')
    .filter(part => part !== '' && part !== '.')
    .map(encodeURIComponent)
    .join('/');
}

/**
 * Reads where Image sources live (the `github` source host of
 * `imageFactory.providers.sources`, with its scheme from `integrations.github`)
 * and which hosts serve GitHub's edit pages.
 */
export function readSourceLinks(
  config: Config,
  providers: Array<
    Pick<ProviderConfig, 'kind' | 'implementation' | 'endpoint'>
  >,
): SourceLinks {
  const github = providers.find(
    p => p.kind === 'source' && p.implementation === 'github',
  );
  const sourceBase = github ? sourceWebUrl(github, config) : undefined;
  const githubHosts = new Set(
    [
      sourceBase && new URL(sourceBase).host,
      ...(config.getOptionalConfigArray('integrations.github') ?? []).map(c =>
        c.getOptionalString('host'),
      ),
    ].filter((h): h is string => !!h),
  );
  return {
    dockerfileUrl(source) {
      if (source.provider !== 'github' || !sourceBase) return undefined;
      // Branch names may hold '/'; each part is encoded so that '#' or '?'
      // in a name cannot end the path early.
      return `${sourceBase}/${source.repo}/blob/${encodePath(
        source.branch,
      )}/${encodePath(source.dockerfile)}`;
    },
    editUrl(location) {
      let url: URL;
      try {
        url = new URL(location);
      } catch {
        return undefined; // A file path: nothing to edit in a browser.
      }
      if (!githubHosts.has(url.host)) return undefined;
      const match = url.pathname.match(/^(\/[^/]+\/[^/]+)\/blob\/(.+)$/);
      return match ? `${url.origin}${match[1]}/edit/${match[2]}` : undefined;
    },
  };
}

/**
 * The Image entity with `backstage.io/view-url` (its Dockerfile) and
 * `backstage.io/edit-url` (images.yaml, whose entry defines it) on the
 * configured source host; other entities as they are.
 */
export function withSourceLinks(
  entity: Entity,
  links: SourceLinks,
  imagesLocation: string,
): Entity {
  if (!isImageEntity(entity)) return entity;
  const view = entity.spec.source && links.dockerfileUrl(entity.spec.source);
  // Only entries of images.yaml are edited there, not discovered bases.
  const edit = entity.metadata.annotations?.[ANNOTATION_IMAGE_FACTORY_ENTRY]
    ? links.editUrl(imagesLocation)
    : undefined;
  if (!view && !edit) return entity;
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        ...(view ? { [ANNOTATION_VIEW_URL]: view } : {}),
        ...(edit ? { [ANNOTATION_EDIT_URL]: edit } : {}),
      },
    },
  };
}
