import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// A loopback Docker Hub API for the adapter's tests, written from Docker's
// published Hub API description (https://docs.docker.com/reference/api/hub/latest.yaml,
// "Docker HUB API", and its pages under https://docs.docker.com/reference/api/hub/latest/):
//
// - `GET /v2/namespaces/{namespace}/repositories/{repository}/tags`, query
//   `page` ("Page number to get. Defaults to 1.", integer) and `page_size`
//   ("Number of items to get per page. Defaults to 10. Max of 100.", integer);
//   200 `paginated_tags` = `page` (`count`, `next`, `previous`: "link to next
//   page of results if any", nullable) + `results: tag[]`; 403 and 404 with the
//   `Error` schema (`detail`, `message`). Security: `bearerAuth` (JWT).
//   The `tag` schema: `id`, `images` (`architecture`, `os`, `digest`, `size`,
//   `status`, `last_pushed`, …), `creator`, `last_updated`, `last_updater`,
//   `last_updater_username`, `name`, `repository`, `full_size`, `v2`,
//   `tag_status`, `tag_last_pulled`, `tag_last_pushed`. The live API also
//   returns the tag's own `digest` and `media_type`, which the description
//   does not list; this server sends them, as the adapter relies on `digest`.
// - `POST /v2/auth/token` ("Create access token", no security), body
//   `{ identifier, secret }` (both required); 200 `{ access_token }` ("This
//   expires in 10 minutes."); 401 with the `error` schema.
// - Rate limiting ("Rate Limiting" tag): every answer carries
//   `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (unix
//   time); past the limit, 429 with `Retry-After` in seconds (docker/docs#22916),
//   body `{ "detail": "Rate limit exceeded", "error": false }` (the audit-log
//   operations' documented 429 example).
//
// Where the description is silent, this server assumes: a private repository
// is a 404 to anonymous callers (Hub does not reveal it) and a 403 to users
// without access; an invalid or expired bearer token is a 401 (the
// `unauthorized` response other operations document); `page_size` over 100 or
// a non-integer `page`/`page_size` is a 400; a page past the last is a 404.

/** One tag as the test seeds it. */
export interface FakeHubTag {
  name: string;
  digest: string;
  /** ISO 8601. */
  pushedAt: string;
}

/** One repository on the fake Hub. */
export interface FakeHubRepository {
  namespace: string;
  name: string;
  private?: boolean;
  /** Usernames that may read a private repository. */
  readers?: string[];
  tags: FakeHubTag[];
}

/** Options of {@link startFakeDockerHub}. */
export interface FakeDockerHubOptions {
  /** Accounts that can create access tokens: username and password or PAT. */
  users?: Array<{ username: string; secret: string }>;
  repositories?: FakeHubRepository[];
  /** Requests per window before 429. Default 180 per 60 s. */
  rateLimit?: { limit: number; windowSeconds: number };
  /** The server's clock (ms), for token expiry and rate-limit windows. Default `Date.now`. */
  now?: () => number;
  /**
   * The origin written in `next`/`previous` links. Default: the server's own.
   * A test sets another origin to check that the adapter refuses to follow it.
   */
  linkOrigin?: string;
}

/** What the fake saw of one request; never the token itself. */
export interface FakeHubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: 'none' | 'bearer' | 'other';
  status: number;
}

/** A running fake Docker Hub. */
export interface FakeDockerHub {
  /** e.g. `http://127.0.0.1:PORT`: pass it as the adapter's `apiBaseUrl`. */
  baseUrl: string;
  requests: FakeHubRequest[];
  /** Tokens handed out by `POST /v2/auth/token`. */
  tokensIssued: number;
  setRepository(repository: FakeHubRepository): void;
  /** Invalidates every token handed out so far, as a revoked PAT does. */
  revokeTokens(): void;
  stop(): Promise<void>;
}

const TOKEN_LIFETIME_S = 600;
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 10;
const TAGS_PATH = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/tags$/;

function base64url(value: string | Buffer) {
  return Buffer.from(value).toString('base64url');
}

/**
 * Starts the fake Docker Hub API on 127.0.0.1 and a free port.
 */
export async function startFakeDockerHub(
  options: FakeDockerHubOptions = {},
): Promise<FakeDockerHub> {
  const now = options.now ?? Date.now;
  let signingKey = randomBytes(32);
  const users = new Map(
    (options.users ?? []).map(u => [u.username.toLowerCase(), u]),
  );
  const repositories = new Map<string, FakeHubRepository>();
  const keyOf = (namespace: string, name: string) =>
    `${namespace}/${name}`.toLowerCase();
  for (const r of options.repositories ?? []) {
    repositories.set(keyOf(r.namespace, r.name), r);
  }
  const { limit, windowSeconds } = options.rateLimit ?? {
    limit: 180,
    windowSeconds: 60,
  };
  let windowStart = 0;
  let used = 0;
  const requests: FakeHubRequest[] = [];
  let tokensIssued = 0;
  const linkOrigin = options.linkOrigin ?? '';

  const sign = (data: string) =>
    createHmac('sha256', signingKey).update(data).digest('base64url');

  const issueToken = (username: string) => {
    const iat = Math.floor(now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        sub: username,
        iat,
        exp: iat + TOKEN_LIFETIME_S,
        jti: randomUUID(),
      }),
    );
    tokensIssued += 1;
    return `${header}.${payload}.${sign(`${header}.${payload}`)}`;
  };

  /** The username of a valid, unexpired token; undefined otherwise. */
  const verifyToken = (token: string): string | undefined => {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || signature !== sign(`${header}.${payload}`)) {
      return undefined;
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now()) {
      return undefined;
    }
    return String(claims.sub);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(error => {
      if (!res.headersSent) res.writeHead(500);
      res.end(JSON.stringify({ message: String(error) }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = req.headers.authorization;
    const record: FakeHubRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: authorizationKind(auth),
      status: 0,
    };
    requests.push(record);
    const body = await readBody(req);

    // Rate limit: a fixed window per server, counted on every request.
    const windowMs = windowSeconds * 1000;
    const current = Math.floor(now() / windowMs) * windowMs;
    if (current !== windowStart) {
      windowStart = current;
      used = 0;
    }
    used += 1;
    const resetAt = Math.ceil((windowStart + windowMs) / 1000);
    const rateHeaders: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(limit - used, 0)),
      'x-ratelimit-reset': String(resetAt),
    };
    const send = (
      status: number,
      payload: unknown,
      headers: Record<string, string> = {},
    ) => {
      record.status = status;
      const text = JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
        ...rateHeaders,
        ...headers,
      });
      res.end(text);
    };
    if (used > limit) {
      send(
        429,
        { detail: 'Rate limit exceeded', error: false },
        {
          'retry-after': String(
            Math.max(resetAt - Math.floor(now() / 1000), 1),
          ),
        },
      );
      return;
    }

    if (req.method === 'POST' && url.pathname === '/v2/auth/token') {
      let input: { identifier?: unknown; secret?: unknown } | undefined;
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        input = undefined;
      }
      if (
        !/^application\/json\b/.test(req.headers['content-type'] ?? '') ||
        typeof input?.identifier !== 'string' ||
        typeof input?.secret !== 'string'
      ) {
        send(400, {
          message: 'identifier and secret are required',
          errinfo: {},
        });
        return;
      }
      const user = users.get(input.identifier.toLowerCase());
      if (!user || user.secret !== input.secret) {
        send(401, {
          detail: 'Incorrect authentication credentials',
          message: 'Incorrect authentication credentials',
        });
        return;
      }
      send(200, { access_token: issueToken(user.username) });
      return;
    }

    const tagsMatch = TAGS_PATH.exec(url.pathname);
    if (req.method !== 'GET' || !tagsMatch) {
      send(404, { message: 'Not Found', errinfo: {} });
      return;
    }

    let username: string | undefined;
    if (auth) {
      const bearer = /^Bearer (.+)$/i.exec(auth);
      username = bearer ? verifyToken(bearer[1].trim()) : undefined;
      if (!username) {
        send(401, {
          detail: 'Invalid or expired token',
          message: 'Invalid or expired token',
        });
        return;
      }
    }

    const pageParam = url.searchParams.get('page') ?? '1';
    const sizeParam =
      url.searchParams.get('page_size') ?? String(DEFAULT_PAGE_SIZE);
    if (!/^\d+$/.test(pageParam) || !/^\d+$/.test(sizeParam)) {
      send(400, {
        message: 'page and page_size must be integers',
        errinfo: {},
      });
      return;
    }
    const page = Number(pageParam);
    const pageSize = Number(sizeParam);
    if (page < 1 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      send(400, {
        message: `page_size must be between 1 and ${MAX_PAGE_SIZE}, page at least 1`,
        errinfo: { page: pageParam, page_size: sizeParam },
      });
      return;
    }

    const namespace = decodeURIComponent(tagsMatch[1]);
    const name = decodeURIComponent(tagsMatch[2]);
    const repository = repositories.get(keyOf(namespace, name));
    if (!repository || (repository.private && !username)) {
      send(404, { message: 'object not found', errinfo: { namespace, name } });
      return;
    }
    if (
      repository.private &&
      !(repository.readers ?? []).some(
        r => r.toLowerCase() === username?.toLowerCase(),
      )
    ) {
      send(403, {
        detail: 'Forbidden',
        message: 'access to the repository is denied',
      });
      return;
    }

    // Hub lists the most recently pushed tags first.
    const tags = [...repository.tags].sort(
      (a, b) => Date.parse(b.pushedAt) - Date.parse(a.pushedAt),
    );
    const lastPage = Math.max(Math.ceil(tags.length / pageSize), 1);
    if (page > lastPage) {
      send(404, { detail: 'Invalid page.', message: 'Invalid page.' });
      return;
    }
    const origin = linkOrigin || `http://${req.headers.host}`;
    const link = (n: number) =>
      `${origin}${url.pathname}?page=${n}&page_size=${pageSize}`;
    send(200, {
      count: tags.length,
      next: page < lastPage ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: tags
        .slice((page - 1) * pageSize, page * pageSize)
        .map((tag, index) => tagPayload(tag, index)),
    });
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    get tokensIssued() {
      return tokensIssued;
    },
    revokeTokens() {
      signingKey = randomBytes(32);
    },
    setRepository(repository) {
      repositories.set(
        keyOf(repository.namespace, repository.name),
        repository,
      );
    },
    async stop() {
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A `tag` as Hub's listing gives it, for one single-platform image. */
function tagPayload(tag: FakeHubTag, index: number) {
  return {
    creator: 1234,
    id: 10_000 + index,
    images: [
      {
        architecture: 'amd64',
        features: null,
        variant: null,
        digest: tag.digest,
        os: 'linux',
        os_features: null,
        os_version: null,
        size: 123456,
        status: 'active',
        last_pulled: null,
        last_pushed: tag.pushedAt,
      },
    ],
    last_updated: tag.pushedAt,
    last_updater: 1234,
    last_updater_username: 'dockeruser',
    name: tag.name,
    repository: 5678,
    full_size: 123456,
    v2: true,
    tag_status: 'active',
    tag_last_pulled: null,
    tag_last_pushed: tag.pushedAt,
    media_type: 'application/vnd.oci.image.manifest.v1+json',
    content_type: 'image',
    digest: tag.digest,
  };
}

function authorizationKind(header: string | undefined) {
  if (!header) return 'none';
  return /^bearer /i.test(header) ? 'bearer' : 'other';
}

function readBody(req: IncomingMessage) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
