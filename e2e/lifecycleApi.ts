/*
 * What lifecycle.test.ts reads and does outside the browser: the factory's
 * REST API as the guest and as the release bot (a static external access
 * token, e2e/app-config.e2e.yaml), the stage tags in the e2e registry, and
 * the deployment repository image-factory/deploy-e2e on the GitHub test
 * server (seeded from e2e/deploy/).
 */
import type {
  ImageStageList,
  ImageStageMove,
} from '@image-factory/plugin-image-factory-common';

const BACKEND = 'http://127.0.0.1:7007';
const REGISTRY = 'http://127.0.0.1:5055';
const DEPLOY_API =
  'http://127.0.0.1:7011/api/v3/repos/image-factory/deploy-e2e';
const GITHUB_HEADERS = {
  authorization: 'token e2e-token',
  accept: 'application/vnd.github+json',
  'content-type': 'application/json',
};

/** The release bot's token (backend.auth.externalAccess in app-config.e2e.yaml). */
export const RELEASE_BOT_TOKEN = 'e2e-release-bot-token';

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) {
    throw new Error(`${what}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/** A guest's Backstage token, as the portal gets it after "Enter". */
export async function guestToken(): Promise<string> {
  const body = await json<{ backstageIdentity: { token: string } }>(
    await fetch(`${BACKEND}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    }),
    'guest sign-in',
  );
  return body.backstageIdentity.token;
}

/** GET /images/:name/stages with a token. */
export async function listStages(
  image: string,
  token: string,
): Promise<ImageStageList> {
  return json(
    await fetch(`${BACKEND}/api/image-factory/images/${image}/stages`, {
      headers: { authorization: `Bearer ${token}` },
    }),
    `stages of ${image}`,
  );
}

/** The index digest of each succeeded build of an image, newest first. */
export async function succeededBuildDigests(
  image: string,
  token: string,
): Promise<string[]> {
  const body = await json<{
    items: Array<{ status: string; indexDigest?: string }>;
  }>(
    await fetch(`${BACKEND}/api/image-factory/images/${image}/builds`, {
      headers: { authorization: `Bearer ${token}` },
    }),
    `builds of ${image}`,
  );
  return body.items
    .filter(b => b.status === 'succeeded' && b.indexDigest)
    .map(b => b.indexDigest!);
}

/** The lines a verification run printed. */
export async function verificationLog(
  image: string,
  id: string,
  token: string,
): Promise<string[]> {
  const body = await json<{ items: Array<{ text: string }> }>(
    await fetch(
      `${BACKEND}/api/image-factory/images/${image}/verifications/${id}/logs`,
      { headers: { authorization: `Bearer ${token}` } },
    ),
    `log of verification ${id}`,
  );
  return body.items.map(line => line.text);
}

/** POSTs an approval or a rejection; answers the status and the body. */
export async function decideMove(request: {
  image: string;
  stage: string;
  moveId: string;
  decision: 'approve' | 'reject';
  reason: string;
  token: string;
}): Promise<{ status: number; body: ImageStageMove }> {
  const { image, stage, moveId, decision, reason, token } = request;
  const response = await fetch(
    `${BACKEND}/api/image-factory/images/${image}/stages/${stage}/moves/${moveId}/${decision}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason }),
    },
  );
  return { status: response.status, body: await response.json() };
}

/** The digest a tag names in the e2e registry (a HEAD, as `docker pull` resolves it). */
export async function tagDigest(
  repository: string,
  tag: string,
): Promise<string | undefined> {
  const response = await fetch(
    `${REGISTRY}/v2/${repository}/manifests/${tag}`,
    {
      method: 'HEAD',
      headers: {
        accept: [
          'application/vnd.oci.image.index.v1+json',
          'application/vnd.docker.distribution.manifest.list.v2+json',
          'application/vnd.oci.image.manifest.v1+json',
          'application/vnd.docker.distribution.manifest.v2+json',
        ].join(', '),
      },
    },
  );
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new Error(`HEAD ${repository}:${tag}: ${response.status}`);
  return response.headers.get('docker-content-digest') ?? undefined;
}

async function deployRepo<T>(path: string, init: RequestInit = {}): Promise<T> {
  return json(
    await fetch(`${DEPLOY_API}${path}`, { ...init, headers: GITHUB_HEADERS }),
    `${init.method ?? 'GET'} deploy-e2e${path}`,
  );
}

/** A file of image-factory/deploy-e2e at a branch. */
export async function readDeployFile(path: string, ref: string) {
  const file = await deployRepo<{ content: string; sha: string }>(
    `/contents/${path}?ref=${encodeURIComponent(ref)}`,
  );
  return {
    text: Buffer.from(file.content, 'base64').toString('utf8'),
    sha: file.sha,
  };
}

/** Commits a file to main of image-factory/deploy-e2e, as its team would. */
export async function writeDeployFile(path: string, text: string) {
  const { sha } = await readDeployFile(path, 'main');
  await deployRepo(`/contents/${path}`, {
    method: 'PUT',
    body: JSON.stringify({
      message: `Update ${path}`,
      sha,
      branch: 'main',
      content: Buffer.from(text, 'utf8').toString('base64'),
    }),
  });
}

/** Closes a pull request of image-factory/deploy-e2e without merging it. */
export async function closeDeployPull(number: number) {
  await deployRepo(`/pulls/${number}`, {
    method: 'PATCH',
    body: JSON.stringify({ state: 'closed' }),
  });
}

/** The open pull requests of image-factory/deploy-e2e. */
export async function openDeployPulls() {
  return deployRepo<
    Array<{
      number: number;
      title: string;
      body: string;
      head: { ref: string };
    }>
  >('/pulls?state=open');
}
