import { execFile } from 'child_process';
import { createSign, randomBytes, X509Certificate } from 'crypto';
import { promises as fs } from 'fs';
import { createServer, IncomingMessage, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import path from 'path';
import { promisify } from 'util';

const execFileAsync = promisify(execFile);
const TOKEN_LIFETIME_S = 300;

/** A token service for a registry in `auth.token` mode (Docker token spec). */
export interface TestTokenServer {
  /** The `realm` the registry sends in its bearer challenge. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate whose key signs the tokens: the registry's `rootcertbundle`. */
  certificatePath: string;
  /** Each token request: the scopes asked for and the user, if any authenticated. */
  requests: Array<{ scopes: string[]; user?: string }>;
  stop(): Promise<void>;
}

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Starts a token service on loopback that signs RS256 JWTs with a fresh
 * self-signed certificate (made by `openssl`), as distribution's token
 * auth expects: `iss`, `aud` = service, `access` claims and the
 * certificate in the `x5c` header. A request with the right Basic
 * credentials gets the actions it asks for, an anonymous one gets a token
 * without access (the registry then refuses it), wrong ones get 401.
 */
export async function startTestTokenServer(options: {
  /** Where the key and certificate are written. */
  dir: string;
  username: string;
  password: string;
}): Promise<TestTokenServer> {
  const keyPath = path.join(options.dir, 'token.key');
  const certificatePath = path.join(options.dir, 'token.crt');
  await execFileAsync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=image-factory-test-token',
    '-keyout',
    keyPath,
    '-out',
    certificatePath,
  ]);
  const key = await fs.readFile(keyPath, 'utf8');
  const certificate = new X509Certificate(await fs.readFile(certificatePath));
  const service = 'image-factory-test-registry';
  const issuer = 'image-factory-test-token';
  const requests: TestTokenServer['requests'] = [];
  const expected = `Basic ${Buffer.from(
    `${options.username}:${options.password}`,
  ).toString('base64')}`;

  const sign = (claims: object): string => {
    const header = {
      typ: 'JWT',
      alg: 'RS256',
      x5c: [certificate.raw.toString('base64')],
    };
    const input = `${base64url(JSON.stringify(header))}.${base64url(
      JSON.stringify(claims),
    )}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key);
    return `${input}.${base64url(signature)}`;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scopes = url.searchParams.getAll('scope');
    const authorization = req.headers.authorization;
    const user = authorization === expected ? options.username : undefined;
    requests.push({ scopes, user });
    if (
      url.pathname !== '/token' ||
      url.searchParams.get('service') !== service
    ) {
      res.writeHead(400).end();
      return;
    }
    if (authorization !== undefined && !user) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }],
        }),
      );
      return;
    }
    const access = user
      ? scopes.flatMap(scope => {
          // repository:team/app:pull,push — the name may hold no colon.
          const [type, name, actions] = scope.split(':');
          return type && name && actions
            ? [{ type, name, actions: actions.split(',') }]
            : [];
        })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const token = sign({
      iss: issuer,
      sub: user ?? '',
      aud: service,
      exp: now + TOKEN_LIFETIME_S,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: TOKEN_LIFETIME_S }));
  };

  const server = createServer(handle);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certificatePath,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
