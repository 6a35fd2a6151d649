import { RegistryAuthError, RegistryUnavailableError } from '../registry';
import {
  isConnectionError,
  isNetworkMessage,
  pushFailure,
  unreachableError,
} from './classifyError';
import { ExecutorUnreachableError, PushFailedError } from './errors';

const TAG = 'registry.test/team/app:1';

describe('pushFailure', () => {
  it.each([
    'unauthorized: authentication required',
    'denied: requested access to the resource is denied',
    'no basic auth credentials',
  ])('types %j as a permanent RegistryAuthError', message => {
    const error = pushFailure(TAG, message);
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect(error.transient).toBe(false);
    expect(error.message).toContain(TAG);
  });

  it.each([
    'Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused',
    'Put "https://registry.test/v2/team/app/blobs/uploads/x": net/http: TLS handshake timeout',
    'received unexpected HTTP status: 502 Bad Gateway',
    'toomanyrequests: too many requests',
    'dial tcp: lookup registry.test: no such host',
  ])('types %j as a transient RegistryUnavailableError', message => {
    const error = pushFailure(TAG, message);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect(error.transient).toBe(true);
  });

  it('types anything else as a permanent PushFailedError', () => {
    const error = pushFailure(TAG, 'manifest invalid: manifest invalid');
    expect(error).toBeInstanceOf(PushFailedError);
    expect(error.transient).toBe(false);
  });
});

describe('engine connection errors', () => {
  const withCode = (code: string) =>
    Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });

  it('tells connection failures from engine answers', () => {
    expect(isConnectionError(withCode('ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(withCode('ENOENT'))).toBe(true);
    expect(
      isConnectionError(
        Object.assign(withCode('ECONNRESET'), { statusCode: 500 }),
      ),
    ).toBe(false);
    expect(isConnectionError(new Error('no code'))).toBe(false);
  });

  it('names the endpoint and marks a permission problem as permanent', () => {
    const missing = unreachableError(
      'unix:///var/run/docker.sock',
      withCode('ENOENT'),
    );
    expect(missing).toBeInstanceOf(ExecutorUnreachableError);
    expect(missing.message).toMatch(
      /^The Docker engine at unix:\/\/\/var\/run\/docker.sock is unreachable \(no such socket\)/,
    );
    expect(missing.transient).toBe(true);
    expect(unreachableError('unix:///x', withCode('EACCES')).transient).toBe(
      false,
    );
  });

  it('recognises network trouble in build messages', () => {
    expect(
      isNetworkMessage(
        'Get "https://registry-1.docker.io/v2/": dial tcp: i/o timeout',
      ),
    ).toBe(true);
    expect(
      isNetworkMessage(
        "The command '/bin/sh -c make' returned a non-zero code: 2",
      ),
    ).toBe(false);
  });
});
