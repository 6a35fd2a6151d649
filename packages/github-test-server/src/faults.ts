/**
 * A failure to answer with instead of the real response, for the next `times`
 * requests. `429` and `403` are rate-limit answers (with `retry-after` and
 * `x-ratelimit-*` headers); `5xx` is a server error.
 *
 * @public
 */
export interface FaultInjection {
  status: 403 | 429 | 500 | 502 | 503;
  /** How many requests in a row get this answer. Default 1. */
  times?: number;
  /** Seconds sent in `retry-after` (rate limits only). Default 1. */
  retryAfter?: number;
  /** Replaces GitHub's message. */
  message?: string;
  /**
   * Only requests with this method (e.g. `POST`) get the failure; others pass.
   * Default: any method.
   */
  method?: string;
  /**
   * Only requests whose path (below `/api/v3`) matches get the failure, e.g.
   * `/pulls$` to fail opening a pull request. Default: any path.
   */
  path?: RegExp;
}

const MESSAGES: Record<FaultInjection['status'], string> = {
  403: 'API rate limit exceeded for user ID 1.',
  429: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
};

/** The queue of injected failures, consumed one per request. */
export class FaultQueue {
  private readonly queue: Array<
    Required<Omit<FaultInjection, 'message' | 'method' | 'path'>> &
      Pick<FaultInjection, 'message' | 'method' | 'path'>
  > = [];

  add(fault: FaultInjection) {
    this.queue.push({ times: 1, retryAfter: 1, ...fault });
  }

  /** The response to send for this request, if a failure is due. */
  take(
    method: string,
    path: string,
  ):
    | {
        status: number;
        body: Record<string, unknown>;
        headers: Record<string, string>;
      }
    | undefined {
    const index = this.queue.findIndex(
      f =>
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || f.path.test(path)),
    );
    const fault = this.queue[index];
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.queue.splice(index, 1);
    const headers: Record<string, string> = {};
    if (fault.status === 403 || fault.status === 429) {
      headers['retry-after'] = String(fault.retryAfter);
      headers['x-ratelimit-remaining'] = '0';
      headers['x-ratelimit-reset'] = String(
        Math.ceil(Date.now() / 1000) + fault.retryAfter,
      );
      headers['x-ratelimit-used'] = '5000';
    }
    return {
      status: fault.status,
      body: {
        message: fault.message ?? MESSAGES[fault.status],
        documentation_url:
          'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
        status: String(fault.status),
      },
      headers,
    };
  }
}
