/**
 * A registry web page from a configured template: `{repository}`
 * (`team/app`), `{namespace}` (`team`), `{name}` (`app`) and `{tag}`, each
 * URL-encoded except the slashes of a repository path.
 */
export function fillWebUrl(
  template: string,
  repository: string,
  tag?: string,
): string {
  const slash = repository.indexOf('/');
  const values: Record<string, string> = {
    repository: repository.split('/').map(encodeURIComponent).join('/'),
    namespace: encodeURIComponent(slash < 0 ? '' : repository.slice(0, slash)),
    name: repository
      .slice(slash + 1)
      .split('/')
      .map(encodeURIComponent)
      .join('/'),
    tag: encodeURIComponent(tag ?? ''),
  };
  return template.replace(/\{([a-z]+)\}/g, (all, name: string) =>
    name in values ? values[name] : all,
  );
}
