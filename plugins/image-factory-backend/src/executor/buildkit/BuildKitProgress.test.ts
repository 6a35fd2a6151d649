import { BuildKitProgress } from './BuildKitProgress';
import { encodeBuildKitStatus } from './statusResponse';

const DOCKERFILE = [
  'ARG BASE=busybox',
  'FROM ${BASE} AS build',
  'WORKDIR /src',
  'ENV A=1',
  'RUN make',
  'FROM busybox',
  'COPY --from=build /src/app /app',
  'RUN /app --check',
].join('\n');

describe('BuildKitProgress', () => {
  const replay = (
    ...statuses: Parameters<typeof encodeBuildKitStatus>[0][]
  ) => {
    const lines: string[] = [];
    const progress = new BuildKitProgress(DOCKERFILE, line => lines.push(line));
    statuses.forEach(s => progress.handleTrace(encodeBuildKitStatus(s)));
    return { lines, progress };
  };

  it('prints steps, their output, cache hits and durations as buildx --progress=plain does', () => {
    const t = 1_800_000_000_000;
    const { lines, progress } = replay(
      { vertexes: [{ digest: 'sha256:a', name: '[build 1/3] FROM busybox' }] },
      {
        vertexes: [
          {
            digest: 'sha256:a',
            name: '[build 1/3] FROM busybox',
            cached: true,
            started: t,
            completed: t,
          },
        ],
      },
      {
        vertexes: [
          { digest: 'sha256:b', name: '[build 3/3] RUN make', started: t },
        ],
      },
      { logs: [{ vertex: 'sha256:b', msg: 'cc -o app main.c\nlinking' }] },
      { logs: [{ vertex: 'sha256:b', msg: ' done\n' }] },
      {
        vertexes: [
          {
            digest: 'sha256:b',
            name: '[build 3/3] RUN make',
            started: t,
            completed: t + 2_340,
          },
        ],
      },
    );
    expect(lines).toEqual([
      '#1 [build 1/3] FROM busybox',
      '#1 CACHED',
      '#2 [build 3/3] RUN make',
      '#2 cc -o app main.c',
      '#2 linking done',
      '#2 DONE 2.3s',
    ]);
    expect(progress.failure()).toBeUndefined();
  });

  it('remembers the failed step and maps it to its Dockerfile line (stage by name or index)', () => {
    const failed = replay({
      vertexes: [
        {
          digest: 'sha256:c',
          name: '[stage-1 3/3] RUN /app --check',
          started: 1,
          error:
            'executor failed running [/bin/sh -c /app --check]: exit code: 2',
        },
      ],
    });
    expect(failed.lines).toEqual([
      '#1 [stage-1 3/3] RUN /app --check',
      '#1 ERROR: executor failed running [/bin/sh -c /app --check]: exit code: 2',
    ]);
    expect(failed.progress.failure()).toEqual({
      step: '[stage-1 3/3] RUN /app --check',
      stepNumber: 3,
      line: 8,
      instruction: 'RUN /app --check',
      error: 'executor failed running [/bin/sh -c /app --check]: exit code: 2',
    });
    const named = replay({
      vertexes: [
        {
          digest: 'sha256:d',
          name: '[linux/s390x build 2/3] WORKDIR /src',
          started: 1,
          error: 'boom',
        },
      ],
    });
    expect(named.progress.failure()).toMatchObject({ line: 3, stepNumber: 2 });
  });

  it('says a missing cache image is no cache to import, not a failed step', () => {
    const { lines, progress } = replay({
      vertexes: [
        {
          digest: 'sha256:e',
          name: 'importing cache manifest from localhost:5000/apps/web:latest-linux-amd64',
          started: 1,
          error: 'localhost:5000/apps/web:latest-linux-amd64: not found',
        },
      ],
    });
    expect(lines).toEqual([
      '#1 importing cache manifest from localhost:5000/apps/web:latest-linux-amd64',
      '#1 no cache to import: localhost:5000/apps/web:latest-linux-amd64: not found',
    ]);
    expect(progress.failure()).toBeUndefined();
  });

  it('skips a message it cannot decode instead of failing the build', () => {
    const lines: string[] = [];
    const progress = new BuildKitProgress(DOCKERFILE, line => lines.push(line));
    progress.handleTrace(Buffer.from([0xff, 0xff, 0xff]).toString('base64'));
    expect(lines).toEqual([]);
  });
});
