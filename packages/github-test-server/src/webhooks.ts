import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { OpenApiValidator, SchemaIssue } from './openapi/OpenApiValidator';
import { pullRequest, repository, simpleUser, Urls } from './payloads';
import { PullState, RepoState, UserState } from './state';

/** Where the server sends its webhooks, and the secret it signs them with. */
export interface WebhookOptions {
  url: string;
  secret: string;
}

/** One webhook the server sent (or tried to send). */
export interface WebhookDelivery {
  id: string;
  event: string;
  action: string;
  payload: Record<string, unknown>;
  /** The receiver's status code, or undefined if it could not be reached. */
  status?: number;
  error?: string;
}

/**
 * The `X-Hub-Signature-256` value GitHub sends for a webhook body: an
 * HMAC-SHA256 of the raw body with the webhook's secret, as `sha256=<hex>`.
 *
 * @public
 */
export function signWebhookBody(secret: string, body: string) {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Builds, validates, signs and POSTs `pull_request` events. Deliveries run in
 * the background, as on GitHub; `flush()` waits for the ones under way.
 */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private options: WebhookOptions | undefined,
    private readonly validator: OpenApiValidator,
    private readonly onViolation: (issues: SchemaIssue[], name: string) => void,
  ) {}

  /** Where later deliveries go; undefined stops sending. */
  setTarget(options: WebhookOptions | undefined) {
    this.options = options;
  }

  pullRequestClosed(
    urls: Urls,
    repo: RepoState,
    pr: PullState,
    sender: UserState,
  ) {
    if (!this.options) return;
    const payload: Record<string, unknown> = {
      action: 'closed',
      number: pr.number,
      pull_request: {
        ...pullRequest(
          urls,
          repo,
          pr,
          { headSha: pr.headSha, baseSha: pr.baseSha },
          {
            additions: 0,
            deletions: 0,
            changedFiles: 0,
            commits: 0,
          },
        ),
        mergeable: null,
        rebaseable: null,
        mergeable_state: 'unknown',
      },
      repository: repository(urls, repo),
      sender: simpleUser(urls, sender),
    };
    const issues = this.validator.validateWebhook(
      'pull-request-closed',
      payload,
    );
    if (issues.length > 0) this.onViolation(issues, 'pull-request-closed');
    this.send('pull_request', 'closed', payload);
  }

  async flush() {
    while (this.pending.size > 0) {
      await Promise.all([...this.pending]);
    }
  }

  private send(
    event: string,
    action: string,
    payload: Record<string, unknown>,
  ) {
    const { url, secret } = this.options!;
    const body = JSON.stringify(payload);
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      event,
      action,
      payload,
    };
    this.deliveries.push(delivery);
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : request;
    const done = new Promise<void>(resolve => {
      const req = send(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'GitHub-Hookshot/test-server',
            'x-github-event': event,
            'x-github-delivery': delivery.id,
            'x-github-hook-id': '1',
            'x-hub-signature-256': signWebhookBody(secret, body),
          },
        },
        res => {
          delivery.status = res.statusCode;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', error => {
        delivery.error = error.message;
        resolve();
      });
      req.end(body);
    });
    this.pending.add(done);
    done.finally(() => this.pending.delete(done));
  }
}
