/** Where GitHub's error bodies point; kept generic, as GitHub's own are. */
export const DOCS_URL = 'https://docs.github.com/rest';

/** One entry of a 422 body's `errors`. */
export interface ValidationErrorEntry {
  resource?: string;
  field?: string;
  code: string;
  message?: string;
}

/** A response GitHub would send instead of the normal one; thrown by handlers. */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
    this.name = 'GitHubHttpError';
  }
}

/** A `basic-error` with GitHub's message, e.g. `githubError(404, 'Not Found')`. */
export function githubError(
  status: number,
  message: string,
  headers?: Record<string, string>,
) {
  return new GitHubHttpError(
    status,
    { message, documentation_url: DOCS_URL, status: String(status) },
    headers,
  );
}

/** A 422 `validation-error`, with `errors` like GitHub's. */
export function validationFailed(
  message: string,
  errors: ValidationErrorEntry[] = [],
) {
  const body: Record<string, unknown> = {
    message,
    documentation_url: DOCS_URL,
    status: '422',
  };
  if (errors.length > 0) body.errors = errors;
  return new GitHubHttpError(422, body);
}

/** GitHub's answer to a missing repository, branch or file. */
export function notFound() {
  return githubError(404, 'Not Found');
}
