import { createHash } from 'crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';

// Its own literals and hashing, not the client's, so that it checks the
// client against the protocol rather than against itself.
const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST_LIST =
  'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST_V2 =
  'application/vnd.docker.distribution.manifest.v2+json';

function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export const FAKE_REGISTRY_PASSWORD = 'ghp_notARealTokenButSecretAnyway';
export const FAKE_REGISTRY_USER = 'octocat';
export const FAKE_TOKEN_LIFETIME_S = 300;
export const FAKE_MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: [],
  }),
);

/**
 * A registry that authenticates like ghcr.io: a 401 with a bearer challenge
 * sends the client to a token endpoint, whose token the retried request
 * carries. It records every request and notes each one it did not expect.
 */
export class FakeBearerRegistry {
  readonly problems: string[] = [];
  readonly tokenRequests: Array<{ scope: string; authorization?: string }> = [];
  /** `Authorization` of each manifest request. */
  readonly registryAuthorizations: Array<string | undefined> = [];
  readonly uploads: Array<{ method: string; authorization?: string }> = [];
  retryAfter = '7';
  /** Tokens the registry accepts, with their scope; ghcr.io also takes a PAT as a bearer token. */
  readonly tokens = new Map<string, string>();
  private server?: Server;

  get host(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    if (url.pathname === '/token') {
      this.token(req, url, res);
      return;
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest) {
      this.manifest(req, res, manifest[1], manifest[2]);
      return;
    }
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(url.pathname);
    if (upload && req.method === 'POST' && upload[2] === '') {
      this.startUpload(req, res, upload[1]);
      return;
    }
    if (upload && req.method === 'PUT' && upload[2] !== '') {
      this.finishUpload(req, res, url, upload[1], upload[2]).catch(e =>
        this.fail(res, String(e)),
      );
      return;
    }
    this.fail(res, `unexpected ${req.method} ${url.pathname}`);
  }

  private token(req: IncomingMessage, url: URL, res: ServerResponse) {
    const service = url.searchParams.getAll('service');
    const scopes = url.searchParams.getAll('scope');
    if (
      req.method !== 'GET' ||
      service.join() !== 'test' ||
      scopes.length !== 1
    ) {
      this.fail(res, `bad token request ${req.method} ${url.search}`);
      return;
    }
    const authorization = req.headers.authorization;
    this.tokenRequests.push({ scope: scopes[0], authorization });
    const expected = `Basic ${Buffer.from(
      `${FAKE_REGISTRY_USER}:${FAKE_REGISTRY_PASSWORD}`,
    ).toString('base64')}`;
    if (authorization !== undefined && authorization !== expected) {
      send(res, 401, {
        errors: [{ code: 'DENIED', message: 'bad credentials' }],
      });
      return;
    }
    const token = `tok-${this.tokenRequests.length}`;
    this.tokens.set(token, scopes[0]);
    send(res, 200, { token, expires_in: FAKE_TOKEN_LIFETIME_S });
  }

  private manifest(
    req: IncomingMessage,
    res: ServerResponse,
    repository: string,
    reference: string,
  ) {
    const accept = (req.headers.accept ?? '').split(',').map(s => s.trim());
    const types = [
      OCI_IMAGE_INDEX,
      OCI_IMAGE_MANIFEST,
      DOCKER_MANIFEST_LIST,
      DOCKER_MANIFEST_V2,
    ];
    if (
      !['GET', 'HEAD'].includes(req.method!) ||
      !types.every(t => accept.includes(t))
    ) {
      this.fail(
        res,
        `bad manifest request ${req.method} Accept: ${req.headers.accept}`,
      );
      return;
    }
    const authorization = req.headers.authorization;
    this.registryAuthorizations.push(authorization);
    if (!this.authorized(req, res, repository, 'pull')) return;
    if (reference === 'limited') {
      res.setHeader('Retry-After', this.retryAfter);
      send(res, 429, {
        errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }],
      });
      return;
    }
    if (reference === 'broken') {
      send(res, 503, {
        errors: [{ code: 'UNAVAILABLE', message: 'backend down' }],
      });
      return;
    }
    res.writeHead(200, {
      'Content-Type': OCI_IMAGE_INDEX,
      'Content-Length': FAKE_MANIFEST.length,
      'Docker-Content-Digest': sha256Digest(FAKE_MANIFEST),
    });
    res.end(req.method === 'GET' ? FAKE_MANIFEST : undefined);
  }

  /** Answers 401 with a bearer challenge unless the request carries a token for the scope. */
  private authorized(
    req: IncomingMessage,
    res: ServerResponse,
    repository: string,
    actions: string,
  ): boolean {
    const scope = `repository:${repository}:${actions}`;
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    // x/denied stands for a token that lacks access to the repository.
    if (
      bearer &&
      this.tokens.get(bearer) === scope &&
      repository !== 'x/denied'
    ) {
      return true;
    }
    res.setHeader(
      'WWW-Authenticate',
      `Bearer realm="http://${this.host}/token",service="test",scope="${scope}"`,
    );
    send(res, 401, {
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
    });
    return false;
  }

  /**
   * Opens an upload. For `x/elsewhere` the Location points at another origin
   * (`localhost` instead of `127.0.0.1`), as a registry that hands uploads to
   * its storage does; otherwise it is relative, which distribution never sends.
   */
  private startUpload(
    req: IncomingMessage,
    res: ServerResponse,
    repository: string,
  ) {
    this.uploads.push({
      method: 'POST',
      authorization: req.headers.authorization,
    });
    if (!this.authorized(req, res, repository, 'pull,push')) return;
    const path = `/v2/${repository}/blobs/uploads/upload-1?_state=opaque%3D%3D`;
    const location =
      repository === 'x/elsewhere'
        ? `http://localhost:${this.host.split(':')[1]}${path}`
        : path;
    res.writeHead(202, { Location: location, 'Content-Length': 0 });
    res.end();
  }

  private async finishUpload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    repository: string,
    id: string,
  ) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.uploads.push({
      method: 'PUT',
      authorization: req.headers.authorization,
    });
    const storage = req.headers.host?.startsWith('localhost:');
    if (!storage && !this.authorized(req, res, repository, 'pull,push')) return;
    const digest = url.searchParams.get('digest');
    if (
      id !== 'upload-1' ||
      url.searchParams.get('_state') !== 'opaque==' ||
      req.headers['content-type'] !== 'application/octet-stream'
    ) {
      this.fail(res, `bad upload ${url.pathname}${url.search}`);
      return;
    }
    if (digest !== sha256Digest(body)) {
      send(res, 400, {
        errors: [
          { code: 'DIGEST_INVALID', message: 'digest did not match content' },
        ],
      });
      return;
    }
    res.writeHead(201, {
      'Docker-Content-Digest': digest,
      'Content-Length': 0,
    });
    res.end();
  }

  private fail(res: ServerResponse, problem: string) {
    this.problems.push(problem);
    send(res, 400, { errors: [{ code: 'UNSUPPORTED', message: problem }] });
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': bytes.length,
  });
  res.end(bytes);
}
