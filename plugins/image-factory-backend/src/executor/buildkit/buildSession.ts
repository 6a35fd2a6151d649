import { ImageFactoryPushAuth } from '@image-factory/plugin-image-factory-node';
import { randomBytes } from 'crypto';
import Dockerode from 'dockerode';
import http from 'http';
import http2 from 'http2';
import https from 'https';
import protobuf from 'protobufjs';
import { Duplex } from 'stream';

// BuildKit asks its client for registry credentials over a "session": the
// client opens POST /session, the engine upgrades it to HTTP/2 and calls gRPC
// methods the client serves on it (moby/buildkit session/session.go,
// session/auth/auth.proto). Without one, a pull from a registry that wants
// credentials fails with "no active session".
const CREDENTIALS = '/moby.filesync.v1.Auth/Credentials';
const HEALTH = '/grpc.health.v1.Health/Check';
const GRPC_UNIMPLEMENTED = '12';

const types = protobuf.Root.fromJSON({
  nested: {
    CredentialsRequest: { fields: { Host: { type: 'string', id: 1 } } },
    CredentialsResponse: {
      fields: {
        Username: { type: 'string', id: 1 },
        Secret: { type: 'string', id: 2 },
      },
    },
    HealthCheckResponse: { fields: { status: { type: 'int32', id: 1 } } },
  },
});
const CredentialsRequest = types.lookupType('CredentialsRequest');
const CredentialsResponse = types.lookupType('CredentialsResponse');
const HealthCheckResponse = types.lookupType('HealthCheckResponse');
const SERVING = 1;

/** Docker Hub's credentials answer for any of its names. */
const DOCKER_HUB = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'https://index.docker.io/v1/',
]);

/** An open session: pass `id` as the build's `session`; close it after. */
export interface BuildSession {
  id: string;
  close(): void;
}

function credentialsFor(auths: ImageFactoryPushAuth[], host: string) {
  const found =
    auths.find(a => a.serveraddress === host) ??
    (DOCKER_HUB.has(host)
      ? auths.find(a => DOCKER_HUB.has(a.serveraddress))
      : undefined);
  return found
    ? { Username: found.username, Secret: found.password }
    : { Username: '', Secret: '' };
}

function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  Buffer.from(message).copy(frame, 5);
  return frame;
}

function serve(
  stream: http2.ServerHttp2Stream,
  path: string,
  auths: ImageFactoryPushAuth[],
) {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('error', () => {});
  stream.on('end', () => {
    const body = Buffer.concat(chunks);
    let reply: Uint8Array | undefined;
    if (path === HEALTH) {
      reply = HealthCheckResponse.encode({ status: SERVING }).finish();
    } else if (path === CREDENTIALS && body.length >= 5) {
      const request = CredentialsRequest.decode(
        body.subarray(5, 5 + body.readUInt32BE(1)),
      ) as unknown as { Host: string };
      reply = CredentialsResponse.encode(
        credentialsFor(auths, request.Host),
      ).finish();
    }
    if (!reply) {
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': GRPC_UNIMPLEMENTED,
        },
        { endStream: true },
      );
      return;
    }
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.on('wantTrailers', () =>
      stream.sendTrailers({ 'grpc-status': '0' }),
    );
    stream.end(grpcFrame(reply));
  });
}

type Modem = {
  socketPath?: string;
  host?: string;
  port?: number | string;
  protocol?: string;
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
};

/**
 * Opens a BuildKit session on the engine that answers registry credentials
 * from `auths`. Resolves undefined where this process cannot open one (an
 * ssh:// engine), so that the build runs without.
 */
export async function openBuildSession(
  docker: Dockerode,
  auths: ImageFactoryPushAuth[],
  signal?: AbortSignal,
): Promise<BuildSession | undefined> {
  const modem = docker.modem as Modem;
  if (!modem.socketPath && modem.protocol === 'ssh') return undefined;
  const id = randomBytes(16).toString('hex');
  const headers = {
    Connection: 'Upgrade',
    Upgrade: 'h2c',
    'X-Docker-Expose-Session-Uuid': id,
    'X-Docker-Expose-Session-Name': 'image-factory',
    'X-Docker-Expose-Session-Sharedkey': id,
    'X-Docker-Expose-Session-Grpc-Method': [CREDENTIALS, HEALTH],
  };
  const base = { method: 'POST', path: '/session', headers, signal };
  const request = modem.socketPath
    ? http.request({ ...base, socketPath: modem.socketPath })
    : (modem.protocol === 'https' ? https : http).request({
        ...base,
        host: modem.host,
        port: modem.port,
        ...(modem.protocol === 'https'
          ? { ca: modem.ca, cert: modem.cert, key: modem.key }
          : {}),
      } as https.RequestOptions);
  const socket = await new Promise<Duplex>((resolve, reject) => {
    request.once('upgrade', (_res, sock: Duplex, head: Buffer) => {
      if (head.length > 0) sock.unshift(head);
      resolve(sock);
    });
    request.once('response', res => {
      res.resume();
      reject(
        new Error(`the engine answered ${res.statusCode} to POST /session`),
      );
    });
    request.once('error', reject);
    request.end();
  });
  const server = http2.createServer();
  server.on('stream', (stream, streamHeaders) =>
    serve(
      stream as http2.ServerHttp2Stream,
      String(streamHeaders[':path']),
      auths,
    ),
  );
  server.on('sessionError', () => {});
  server.emit('connection', socket);
  return {
    id,
    close: () => {
      socket.destroy();
      server.close();
    },
  };
}
