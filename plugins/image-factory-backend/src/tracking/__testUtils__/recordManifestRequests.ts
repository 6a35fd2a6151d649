/**
 * A `fetch` that records each manifest request (`HEAD host/v2/…/manifests/…`)
 * before passing it on, to count what a watcher asks a registry.
 */
export function recordManifestRequests(): {
  requests: string[];
  fetch: typeof fetch;
} {
  const requests: string[] = [];
  const recording: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.pathname.includes('/manifests/')) {
      requests.push(`${init?.method ?? 'GET'} ${url.host}${url.pathname}`);
    }
    return fetch(input, init);
  };
  return { requests, fetch: recording };
}
