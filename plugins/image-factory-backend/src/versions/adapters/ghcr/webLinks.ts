import { RegistryRepository } from '@image-factory/plugin-image-factory-node';
import { PackageVersion } from './packageVersions';

/** How many repositories' web links are remembered, the oldest dropped first. */
const MAX_REMEMBERED_REPOSITORIES = 500;

/** Web pages learned from listings: the package's, and each tag's version page. */
interface RepositoryLinks {
  packageUrl?: string;
  tagUrls: Map<string, string>;
}

/** GitHub's web pages of the repositories listed so far. */
export interface WebLinks {
  /** Keeps the pages a listing named (`package_html_url`, each version's `html_url`). */
  remember(repository: RegistryRepository, versions: PackageVersion[]): void;
  /** The tag's version page, else the package page; undefined before a listing. */
  webUrl(repository: RegistryRepository, tag?: string): string | undefined;
}

function repositoryKey(repository: RegistryRepository) {
  return repository.repository.toLowerCase();
}

/**
 * An empty {@link WebLinks}. GitHub's own links are used because the
 * owner-level package page is the one the API documents, and whether the
 * owner is an organization or a user is only known after a listing.
 */
export function createWebLinks(): WebLinks {
  const links = new Map<string, RepositoryLinks>();

  return {
    remember(repository, versions) {
      const key = repositoryKey(repository);
      let entry = links.get(key);
      if (!entry) {
        if (links.size >= MAX_REMEMBERED_REPOSITORIES) {
          links.delete(links.keys().next().value as string);
        }
        entry = { tagUrls: new Map() };
        links.set(key, entry);
      }
      for (const version of versions) {
        if (typeof version.package_html_url === 'string') {
          entry.packageUrl = version.package_html_url;
        }
        const tags = version.metadata?.container?.tags;
        if (typeof version.html_url !== 'string' || !Array.isArray(tags))
          continue;
        for (const tag of tags) {
          if (typeof tag === 'string') entry.tagUrls.set(tag, version.html_url);
        }
      }
    },

    webUrl(repository, tag) {
      const entry = links.get(repositoryKey(repository));
      if (!entry) return undefined;
      return (tag && entry.tagUrls.get(tag)) || entry.packageUrl;
    },
  };
}
