/*
 * The factory's config repository on the GitHub test server (see
 * playwright.config.ts), edited through GitHub's REST API as a person pushing
 * to main would.
 */
const API = 'http://127.0.0.1:7011/api/v3/repos/image-factory/examples';
const HEADERS = {
  authorization: 'token e2e-token',
  accept: 'application/vnd.github+json',
  'content-type': 'application/json',
};

/** The web page of the repository's pull requests. */
export const PULLS_PAGE = 'http://127.0.0.1:7011/image-factory/examples/pulls';

async function github(path: string, init: RequestInit = {}) {
  const response = await fetch(`${API}${path}`, {
    ...init,
    headers: HEADERS,
  });
  if (!response.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${path}: ${
        response.status
      } ${await response.text()}`,
    );
  }
  return response.json();
}

/** A file on main, with the blob sha a commit replacing it must name. */
export async function readConfigFile(path: string) {
  const file = await github(`/contents/${path}?ref=main`);
  return {
    text: Buffer.from(file.content, 'base64').toString('utf8'),
    sha: file.sha as string,
  };
}

/** images.yaml on main, with the blob sha a commit replacing it must name. */
export function readImagesYaml() {
  return readConfigFile('images.yaml');
}

/** Commits a new images.yaml to main. */
export function writeImagesYaml(text: string, message: string) {
  return writeConfigFile('images.yaml', text, message);
}

/** Commits a new version of a file to main. */
export async function writeConfigFile(
  path: string,
  text: string,
  message: string,
) {
  const { sha } = await readConfigFile(path);
  await github(`/contents/${path}`, {
    method: 'PUT',
    body: JSON.stringify({
      message,
      sha,
      branch: 'main',
      content: Buffer.from(text, 'utf8').toString('base64'),
    }),
  });
}
