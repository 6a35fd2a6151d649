import protobuf from 'protobufjs';

// BuildKit's control API (moby/buildkit api/services/control/control.proto):
// the Engine wraps each StatusResponse of a build as base64 protobuf in the
// `aux` of a `moby.buildkit.trace` message. Only the fields the log needs are
// declared; protobuf skips the others.
const root = protobuf.Root.fromJSON({
  nested: {
    Timestamp: {
      fields: {
        seconds: { type: 'int64', id: 1 },
        nanos: { type: 'int32', id: 2 },
      },
    },
    Vertex: {
      fields: {
        digest: { type: 'string', id: 1 },
        inputs: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        cached: { type: 'bool', id: 4 },
        started: { type: 'Timestamp', id: 5 },
        completed: { type: 'Timestamp', id: 6 },
        error: { type: 'string', id: 7 },
      },
    },
    VertexStatus: {
      fields: {
        ID: { type: 'string', id: 1 },
        vertex: { type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        current: { type: 'int64', id: 4 },
        total: { type: 'int64', id: 5 },
        timestamp: { type: 'Timestamp', id: 6 },
        started: { type: 'Timestamp', id: 7 },
        completed: { type: 'Timestamp', id: 8 },
      },
    },
    VertexLog: {
      fields: {
        vertex: { type: 'string', id: 1 },
        timestamp: { type: 'Timestamp', id: 2 },
        stream: { type: 'int64', id: 3 },
        msg: { type: 'bytes', id: 4 },
      },
    },
    VertexWarning: {
      fields: {
        vertex: { type: 'string', id: 1 },
        level: { type: 'int64', id: 2 },
        short: { type: 'bytes', id: 3 },
        detail: { rule: 'repeated', type: 'bytes', id: 4 },
        url: { type: 'string', id: 5 },
      },
    },
    StatusResponse: {
      fields: {
        vertexes: { rule: 'repeated', type: 'Vertex', id: 1 },
        statuses: { rule: 'repeated', type: 'VertexStatus', id: 2 },
        logs: { rule: 'repeated', type: 'VertexLog', id: 3 },
        warnings: { rule: 'repeated', type: 'VertexWarning', id: 4 },
      },
    },
  },
});
const StatusResponseType = root.lookupType('StatusResponse');

/** One step of the build graph (a Dockerfile instruction, a pull, a context load). */
export interface BuildKitVertex {
  digest: string;
  name: string;
  cached: boolean;
  /** Milliseconds since the epoch. */
  started?: number;
  completed?: number;
  error?: string;
}

/** Progress of a sub-task of a vertex (a layer download, an export). */
export interface BuildKitVertexStatus {
  id: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  completed?: number;
}

/** Output of a vertex: a RUN step's stdout (1) or stderr (2). */
export interface BuildKitVertexLog {
  vertex: string;
  stream: number;
  msg: Buffer;
  /** Milliseconds since the epoch. */
  timestamp?: number;
}

/** A warning the Dockerfile frontend gave for a vertex. */
export interface BuildKitVertexWarning {
  vertex: string;
  short: string;
  url?: string;
}

/** One decoded `moby.buildkit.trace` message. */
export interface BuildKitStatus {
  vertexes: BuildKitVertex[];
  statuses: BuildKitVertexStatus[];
  logs: BuildKitVertexLog[];
  warnings: BuildKitVertexWarning[];
}

interface RawTimestamp {
  seconds?: number | { toNumber(): number };
  nanos?: number;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as Long).toNumber === 'function') {
    return (value as Long).toNumber();
  }
  return 0;
}
type Long = { toNumber(): number };

function millis(timestamp?: RawTimestamp | null): number | undefined {
  if (!timestamp) return undefined;
  return toNumber(timestamp.seconds) * 1000 + (timestamp.nanos ?? 0) / 1e6;
}

/**
 * Decodes the base64 `aux` of a `moby.buildkit.trace` message. Throws on bytes
 * that are not a StatusResponse.
 */
export function decodeBuildKitStatus(aux: string): BuildKitStatus {
  const message = StatusResponseType.decode(Buffer.from(aux, 'base64'));
  const raw = StatusResponseType.toObject(message, {
    defaults: true,
    arrays: true,
  }) as {
    vertexes: Array<{
      digest: string;
      name: string;
      cached: boolean;
      started?: RawTimestamp;
      completed?: RawTimestamp;
      error: string;
    }>;
    statuses: Array<{
      ID: string;
      vertex: string;
      name: string;
      current: unknown;
      total: unknown;
      completed?: RawTimestamp;
    }>;
    logs: Array<{
      vertex: string;
      stream: unknown;
      msg: Uint8Array;
      timestamp?: RawTimestamp;
    }>;
    warnings: Array<{ vertex: string; short: Uint8Array; url: string }>;
  };
  return {
    vertexes: raw.vertexes.map(v => ({
      digest: v.digest,
      name: v.name,
      cached: v.cached,
      started: millis(v.started),
      completed: millis(v.completed),
      error: v.error || undefined,
    })),
    statuses: raw.statuses.map(s => ({
      id: s.ID,
      vertex: s.vertex,
      name: s.name,
      current: toNumber(s.current),
      total: toNumber(s.total),
      completed: millis(s.completed),
    })),
    logs: raw.logs.map(l => ({
      vertex: l.vertex,
      stream: toNumber(l.stream),
      msg: Buffer.from(l.msg),
      timestamp: millis(l.timestamp),
    })),
    warnings: raw.warnings.map(w => ({
      vertex: w.vertex,
      short: Buffer.from(w.short).toString('utf8'),
      url: w.url || undefined,
    })),
  };
}

/** Encodes a StatusResponse, for tests that replay what an engine sends. */
export function encodeBuildKitStatus(status: {
  vertexes?: Array<Partial<BuildKitVertex>>;
  logs?: Array<{ vertex: string; stream?: number; msg: string }>;
}): string {
  const ts = (ms?: number) =>
    ms === undefined
      ? undefined
      : { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
  const message = StatusResponseType.fromObject({
    vertexes: (status.vertexes ?? []).map(v => ({
      ...v,
      started: ts(v.started),
      completed: ts(v.completed),
    })),
    logs: (status.logs ?? []).map(l => ({
      vertex: l.vertex,
      stream: l.stream ?? 1,
      msg: Buffer.from(l.msg),
    })),
  });
  return Buffer.from(StatusResponseType.encode(message).finish()).toString(
    'base64',
  );
}
