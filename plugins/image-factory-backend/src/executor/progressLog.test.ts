import { PassThrough } from 'stream';
import { ProgressLog, StepTracker } from './progressLog';
import { readProgress } from './readProgress';

describe('ProgressLog', () => {
  it('splits stream text into lines and prints each layer state once', () => {
    const lines: string[] = [];
    const log = new ProgressLog(line => lines.push(line));
    log.handle({ stream: 'Step 1/2 : FROM scratch\n ---> \nStep 2/2' });
    log.handle({ stream: ' : COPY a /\n' });
    log.handle({ status: 'Preparing', id: 'abc' });
    log.handle({ status: 'Pushing', id: 'abc', progress: '[=>  ] 1kB/2kB' });
    log.handle({ status: 'Pushing', id: 'abc', progress: '[==> ] 2kB/2kB' });
    log.handle({ status: 'Pushed', id: 'abc' });
    log.handle({ stream: 'no newline' });
    log.flush();
    expect(lines).toEqual([
      'Step 1/2 : FROM scratch',
      ' ---> ',
      'Step 2/2 : COPY a /',
      'abc: Preparing',
      'abc: Pushing',
      'abc: Pushed',
      'no newline',
    ]);
  });
});

describe('StepTracker', () => {
  const dockerfile = [
    '# syntax comment',
    'ARG BASE=scratch',
    'FROM scratch',
    'RUN make \\',
    '  install',
    '',
    'COPY a /',
  ].join('\n');

  it('maps the current step to its Dockerfile line', () => {
    const steps = new StepTracker(dockerfile);
    expect(steps.location()).toEqual({});
    steps.see('Step 3/4 : RUN make   install');
    steps.see(' ---> Running in 0123');
    expect(steps.location()).toEqual({
      step: 'Step 3/4 : RUN make   install',
      stepNumber: 3,
      line: 4,
      instruction: 'RUN make   install',
    });
    steps.see('Step 4/4 : COPY a /');
    expect(steps.location().line).toBe(7);
  });

  it('takes the line of a parse error from the message', () => {
    const steps = new StepTracker('FROM scratch\nFROBNICATE x\n');
    expect(
      steps.location(
        'dockerfile parse error line 2: unknown instruction: FROBNICATE',
      ),
    ).toEqual({ line: 2, instruction: 'FROBNICATE x' });
  });
});

describe('readProgress', () => {
  it('reads JSON lines split across chunks and collects aux and errors', async () => {
    const stream = new PassThrough();
    const messages: unknown[] = [];
    const done = readProgress(stream, m => messages.push(m));
    stream.write('{"stream":"a\\n"}\r\n{"aux":{"Tag":"1","Dig');
    stream.write(
      'est":"sha256:abc"}}\n{"errorDetail":{"message":"boom"},"error":"boom"}\n',
    );
    stream.end('not json');
    const outcome = await done;
    expect(outcome.aux).toEqual([{ Tag: '1', Digest: 'sha256:abc' }]);
    expect(outcome.error).toBe('boom');
    expect(messages).toHaveLength(4);
    expect(messages[3]).toEqual({ stream: 'not json' });
  });

  it('rejects with the reason when the signal aborts, and destroys the stream', async () => {
    const stream = new PassThrough();
    const controller = new AbortController();
    const done = readProgress(stream, () => {}, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(done).rejects.toBe(reason);
    expect(stream.destroyed).toBe(true);
  });

  it('rejects when the stream closes before its end', async () => {
    const stream = new PassThrough();
    const done = readProgress(stream, () => {});
    stream.destroy();
    await expect(done).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
