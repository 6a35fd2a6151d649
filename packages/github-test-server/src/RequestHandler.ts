import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { DOCS_URL, githubError, GitHubHttpError, notFound } from './errors';
import { FaultQueue } from './faults';
import { GitHubState } from './GitHubState';
import { handlers, HandlerResult, RequestContext } from './handlers';
import {
  MatchedOperation,
  OpenApiValidator,
  SchemaIssue,
} from './openapi/OpenApiValidator';
import { RepoPermissions, Urls } from './payloads';
import { PullState, RepoState, UserState } from './state';
import { GitHubTestViolation } from './types';

/** What the request handler needs from the server. */
export interface RequestHandlerOptions {
  state: GitHubState;
  validator: OpenApiValidator;
  faults: FaultQueue;
  urls: Urls;
  user: UserState;
  token: string;
  permissions: RepoPermissions;
  /** The token's OAuth scopes, sent in `x-oauth-scopes`. */
  scopes: string[];
  writeDenial: 'not-found' | 'forbidden';
  onViolation(violation: GitHubTestViolation): void;
  onPullClosed(repo: RepoState, pr: PullState): void;
}

function formatIssues(issues: SchemaIssue[]) {
  return issues.map(i => `${i.path || '(root)'}: ${i.message}`);
}

/**
 * Serves one HTTP request: injected faults, authentication, matching to an
 * OpenAPI operation, request validation, the handler, response validation.
 */
export class RequestHandler {
  constructor(private readonly options: RequestHandlerOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, prefix: string) {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    const path = url.pathname.startsWith(prefix)
      ? url.pathname.slice(prefix.length) || '/'
      : undefined;
    const violation = (v: Omit<GitHubTestViolation, 'method' | 'path'>) =>
      this.options.onViolation({
        method,
        path: `${url.pathname}${url.search}`,
        ...v,
      });

    const fault = this.options.faults.take(method, path ?? url.pathname);
    if (fault) {
      this.send(res, fault);
      return;
    }
    const auth = /^(?:token|bearer)\s+(.+)$/i.exec(
      req.headers.authorization ?? '',
    );
    if (!auth) {
      this.send(res, errorResult(githubError(401, 'Requires authentication')));
      return;
    }
    if (auth[1].trim() !== this.options.token) {
      this.send(res, errorResult(githubError(401, 'Bad credentials')));
      return;
    }
    const match = path ? this.options.validator.match(method, path) : undefined;
    if (!match || 'allowed' in match) {
      violation({
        kind: 'request',
        issues: [
          `no operation of GitHub's REST API matches ${method} ${url.pathname}`,
        ],
      });
      this.send(res, errorResult(notFound()));
      return;
    }
    const operation = match.template;
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        violation({
          kind: 'request',
          operation,
          issues: ['body is not valid JSON'],
        });
        this.send(res, errorResult(githubError(400, 'Problems parsing JSON')));
        return;
      }
    }
    const issues = this.options.validator.validateRequest(
      match,
      url.searchParams,
      body,
    );
    if (issues.length > 0) {
      violation({
        kind: 'request',
        operation,
        status: 422,
        issues: formatIssues(issues),
      });
      this.send(res, errorResult(invalidRequest(issues)));
      return;
    }
    const handler = handlers[`${match.method} ${match.template}`];
    if (!handler) {
      violation({
        kind: 'unimplemented',
        operation,
        issues: [
          `${method} ${operation} is not implemented by the test server`,
        ],
      });
      this.send(res, errorResult(notFound()));
      return;
    }
    let result: HandlerResult;
    try {
      result = await handler(this.context(match, url.searchParams, body));
    } catch (error) {
      if (!(error instanceof GitHubHttpError)) throw error;
      result = errorResult(error);
    }
    const responseIssues = this.validateResponse(match, result);
    if (responseIssues.length > 0) {
      violation({
        kind: 'response',
        operation,
        status: result.status,
        issues: responseIssues,
      });
      this.send(res, {
        status: 500,
        body: {
          message:
            'The GitHub test server produced a response that breaks the OpenAPI description',
          documentation_url: DOCS_URL,
        },
      });
      return;
    }
    if (result.raw && wantsRaw(req)) {
      this.sendRaw(req, res, result);
      return;
    }
    this.send(res, result);
  }

  /** The raw media type: the bytes of the file, with an ETag for conditional reads. */
  private sendRaw(
    req: IncomingMessage,
    res: ServerResponse,
    result: HandlerResult,
  ) {
    const etag = result.headers?.etag;
    if (etag && req.headers['if-none-match'] === etag) {
      this.send(res, { status: 304, headers: { etag } });
      return;
    }
    const raw = result.raw ?? Buffer.alloc(0);
    res.writeHead(200, {
      'x-github-media-type': 'github.v3; param=raw',
      'x-github-request-id': randomUUID(),
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(raw.length),
      ...(etag ? { etag } : {}),
    });
    res.end(raw);
  }

  private context(
    match: MatchedOperation,
    query: URLSearchParams,
    body: unknown,
  ): RequestContext {
    const { state, urls, user, permissions, scopes, writeDenial } =
      this.options;
    return {
      state,
      urls,
      user,
      permissions,
      scopes,
      params: match.params,
      query,
      body,
      repo: () => state.repo(match.params.owner, match.params.repo),
      requireWrite: () => {
        if (permissions.push) return;
        throw writeDenial === 'forbidden'
          ? githubError(403, 'Resource not accessible by personal access token')
          : notFound();
      },
      pullClosed: (repo, pr) => this.options.onPullClosed(repo, pr),
    };
  }

  private validateResponse(
    match: MatchedOperation,
    result: HandlerResult,
  ): string[] {
    const { validator } = this.options;
    const documented = validator.validateResponse(
      match,
      result.status,
      result.body,
    );
    if (result.status >= 400) {
      // GitHub answers 401, 403, 404 and others on operations that do not list
      // them; such bodies must still be GitHub's error shapes.
      if (documented && documented.length === 0) return [];
      const component =
        result.status === 422 ? 'validation-error' : 'basic-error';
      return formatIssues(validator.validateComponent(component, result.body));
    }
    if (!documented)
      return [`status ${result.status} is not documented for this operation`];
    return formatIssues(documented);
  }

  private send(res: ServerResponse, result: HandlerResult) {
    const reset = Math.ceil(Date.now() / 1000) + 3600;
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomUUID(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      'x-oauth-scopes': this.options.scopes.join(', '),
      ...result.headers,
    };
    if (result.body === undefined) {
      res.writeHead(result.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(result.body);
    res.writeHead(result.status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  }
}

function wantsRaw(req: IncomingMessage) {
  return /application\/vnd\.github(?:\.v3)?\.raw/.test(
    req.headers.accept ?? '',
  );
}

function errorResult(error: GitHubHttpError): HandlerResult {
  return { status: error.status, body: error.body, headers: error.headers };
}

/** GitHub's 422 for a request that breaks the operation's schema. */
function invalidRequest(issues: SchemaIssue[]) {
  const lines = issues.map(i =>
    i.missing
      ? `"${i.missing}" wasn't supplied.`
      : `For '${i.path || 'body'}', ${i.message}.`,
  );
  return new GitHubHttpError(422, {
    message: `Invalid request.\n\n${lines.join('\n')}`,
    documentation_url: DOCS_URL,
    status: '422',
    errors: issues.map(i => ({
      resource: 'Request',
      field: i.missing ?? i.path,
      code: i.missing ? 'missing_field' : 'invalid',
      message: i.message,
    })),
  });
}

function readBody(req: IncomingMessage) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
