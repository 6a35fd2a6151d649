import type { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import {
  BuildLogReader,
  LogNote,
  LogStep,
  parseBuildKitLog,
  stepCounts,
} from './parseBuildKitLog';

/** Log lines as the backend stores them, numbered in order. */
function log(
  ...entries: Array<[platform: string | undefined, text: string]>
): BuildLogLine[] {
  return entries.map(([platform, text], i) => ({
    seq: i + 1,
    platform,
    stream: !platform || /^placing /.test(text) ? 'system' : 'build',
    time: '2026-12-04T10:00:00.000Z',
    text,
  }));
}

const S390X = 'linux/s390x';
const AMD64 = 'linux/amd64';

const steps = (entries: Array<LogStep | LogNote>) =>
  entries.filter((e): e is LogStep => e.type === 'step');

describe('parseBuildKitLog', () => {
  const buildKit = log(
    [undefined, 'Fetching image-factory/examples at 1a2b3c'],
    [S390X, 'placing linux/s390x on local-docker (emulated)'],
    [
      S390X,
      'Building linux/s390x with BuildKit of Docker 20.10.24 (Dockerfile frontend 1.2) on executor local-docker',
    ],
    [S390X, '#1 [internal] load build definition from Dockerfile'],
    [S390X, '#1 DONE 0.0s'],
    [S390X, '#3 importing cache manifest from 127.0.0.1:5000/app:cache'],
    [S390X, '#3 DONE 0.1s'],
    [S390X, '#4 [build 1/3] FROM docker.io/library/alpine:3.19'],
    [S390X, '#4 CACHED'],
    [S390X, '#5 [build 2/3] RUN make'],
    [S390X, '#6 [final 2/2] COPY --chmod=755 run.sh /run.sh'],
    [S390X, '#5 1.204 cc -o app main.c'],
    [S390X, '#6 DONE 0.2s'],
    [S390X, '#5 2.310 main.c:3: error: expected ;'],
    [
      S390X,
      '#5 ERROR: executor failed running [/bin/sh -c make]: exit code: 3',
    ],
    [AMD64, '#1 [build 2/3] RUN make'],
    [AMD64, '#1 0.500 \u001b[32mok\u001b[0m'],
    [AMD64, '#1 DONE 2.1s'],
  );

  it('gives each platform its steps, the run’s own lines first', () => {
    const sections = parseBuildKitLog(buildKit);
    expect(sections.map(s => s.platform)).toEqual([undefined, S390X, AMD64]);
    expect(sections[0].entries).toEqual([
      {
        type: 'note',
        key: expect.any(String),
        lines: [
          {
            seq: 1,
            text: 'Fetching image-factory/examples at 1a2b3c',
            kind: 'system',
          },
        ],
      },
    ]);
    expect(
      steps(sections[1].entries).map(s => [
        s.label,
        s.stage,
        s.instruction,
        s.detail,
      ]),
    ).toEqual([
      ['#1', 'internal', undefined, 'load build definition from Dockerfile'],
      [
        '#3',
        undefined,
        undefined,
        'importing cache manifest from 127.0.0.1:5000/app:cache',
      ],
      ['#4', 'build 1/3', 'FROM', 'docker.io/library/alpine:3.19'],
      ['#5', 'build 2/3', 'RUN', 'make'],
      ['#6', 'final 2/2', 'COPY', '--chmod=755 run.sh /run.sh'],
    ]);
  });

  it('marks a cached step, a step’s duration, and a failed step with its error and output', () => {
    const [, s390x, amd64] = parseBuildKitLog(buildKit);
    const [load, cache, from, make, copy] = steps(s390x.entries);
    expect(load).toMatchObject({ duration: '0.0s', finished: true });
    expect(cache.duration).toBe('0.1s');
    expect(from).toMatchObject({ cached: true, finished: true, output: [] });
    expect(from.duration).toBeUndefined();
    // Output of parallel steps stays under its own step.
    expect(make).toMatchObject({
      cached: false,
      finished: true,
      error: 'executor failed running [/bin/sh -c make]: exit code: 3',
      output: [
        { seq: 12, at: '1.204', text: 'cc -o app main.c', kind: 'output' },
        {
          seq: 14,
          at: '2.310',
          text: 'main.c:3: error: expected ;',
          kind: 'output',
        },
      ],
    });
    expect(copy).toMatchObject({ duration: '0.2s', output: [] });
    expect(stepCounts(s390x)).toEqual({ steps: 5, cached: 1, failed: 1 });
    // ANSI colours are dropped, and a step number is per platform.
    expect(steps(amd64.entries)).toEqual([
      expect.objectContaining({
        label: '#1',
        instruction: 'RUN',
        duration: '2.1s',
        output: [{ seq: 17, at: '0.500', text: 'ok', kind: 'output' }],
      }),
    ]);
  });

  it('keeps the factory’s lines between the steps, in order', () => {
    const [, s390x] = parseBuildKitLog(buildKit);
    expect(s390x.entries[0]).toEqual({
      type: 'note',
      key: expect.any(String),
      lines: [
        expect.objectContaining({ text: expect.stringMatching(/^placing/) }),
        expect.objectContaining({ text: expect.stringMatching(/^Building/) }),
      ],
    });
    expect(s390x.entries[1].type).toBe('step');
  });

  it('starts new steps when a platform is built again (a retried attempt)', () => {
    const sections = parseBuildKitLog(
      log(
        [AMD64, 'Building linux/amd64 with BuildKit of Docker 20.10.24'],
        [AMD64, '#1 [1/1] FROM docker.io/library/alpine'],
        [AMD64, '#1 ERROR: failed to resolve'],
        [AMD64, 'Building linux/amd64 with BuildKit of Docker 20.10.24'],
        [AMD64, '#1 [1/1] FROM docker.io/library/alpine'],
        [AMD64, '#1 DONE 1.0s'],
      ),
    );
    const [first, second] = steps(sections[0].entries);
    expect(first).toMatchObject({ error: 'failed to resolve' });
    expect(second).toMatchObject({ duration: '1.0s' });
    expect(second.error).toBeUndefined();
    expect(first.key).not.toBe(second.key);
  });

  it('reads a classic builder’s log: steps, cache hits, output and the error', () => {
    const [amd64] = parseBuildKitLog(
      log(
        [AMD64, 'Step 1/3 : FROM alpine:3.19'],
        [AMD64, ' ---> 1d34ffeaf190'],
        [AMD64, 'Step 2/3 : COPY app /app'],
        [AMD64, ' ---> Using cache'],
        [AMD64, ' ---> 9f8e7d6c5b4a'],
        [AMD64, 'Step 3/3 : RUN /app/test'],
        [AMD64, ' ---> Running in 0a1b2c3d'],
        [AMD64, 'test failed'],
        [
          AMD64,
          "ERROR: The command '/bin/sh -c /app/test' returned a non-zero code: 3",
        ],
      ),
    );
    const [from, copy, run] = steps(amd64.entries);
    expect(from).toMatchObject({
      label: 'Step 1/3',
      stage: undefined,
      instruction: 'FROM',
      detail: 'alpine:3.19',
      cached: false,
      finished: true,
      output: [expect.objectContaining({ text: ' ---> 1d34ffeaf190' })],
    });
    expect(copy).toMatchObject({ instruction: 'COPY', cached: true });
    expect(run).toMatchObject({
      instruction: 'RUN',
      error: "The command '/bin/sh -c /app/test' returned a non-zero code: 3",
    });
    expect(run.output.map(l => l.text)).toEqual([
      ' ---> Running in 0a1b2c3d',
      'test failed',
    ]);
  });

  it('leaves a classic build’s summary and a push outside the steps', () => {
    const lines = log(
      [AMD64, 'Step 1/1 : FROM scratch'],
      [AMD64, 'Successfully built 1a2b3c4d'],
    );
    lines.push({
      seq: 3,
      platform: AMD64,
      stream: 'push',
      time: lines[0].time,
      text: '5f70bf18a086: Pushed',
    });
    const [amd64] = parseBuildKitLog(lines);
    expect(amd64.entries.map(e => e.type)).toEqual(['step', 'note']);
    expect((amd64.entries[1] as LogNote).lines.map(l => l.text)).toEqual([
      'Successfully built 1a2b3c4d',
      '5f70bf18a086: Pushed',
    ]);
  });

  it('reads a live log line by line to the same result', () => {
    const reader = new BuildLogReader();
    buildKit.forEach(line => reader.read(line));
    expect(reader.count).toBe(buildKit.length);
    expect(reader.sections()).toEqual(parseBuildKitLog(buildKit));
  });
});
