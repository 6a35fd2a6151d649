import { withRetries } from './retry';

const transient = (message: string, extra: object = {}) =>
  Object.assign(new Error(message), { transient: true }, extra);

describe('withRetries', () => {
  it('retries transient errors with doubling backoff, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw transient(`down ${calls}`);
        return 'ok';
      },
      { retries: 3, backoffMs: 10, onRetry: (_e, _n, ms) => waits.push(ms) },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([10, 20]);
  });

  it('stops after the bound and throws the last transient error', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw transient(`down ${calls}`);
        },
        { retries: 2, backoffMs: 1 },
      ),
    ).rejects.toThrow('down 3');
    expect(calls).toBe(3);
  });

  it('never retries a permanent error', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw Object.assign(new Error('refused'), { transient: false });
        },
        { retries: 5, backoffMs: 1 },
      ),
    ).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });

  it("waits at least the registry's Retry-After", async () => {
    const waits: number[] = [];
    let calls = 0;
    await withRetries(
      async () => {
        if (calls++ === 0) throw transient('slow down', { retryAfterMs: 40 });
      },
      { retries: 1, backoffMs: 5, onRetry: (_e, _n, ms) => waits.push(ms) },
    );
    expect(waits).toEqual([40]);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = withRetries(
      async () => {
        throw transient('down');
      },
      {
        retries: 3,
        backoffMs: 10_000,
        signal: controller.signal,
        onRetry: () => setTimeout(() => controller.abort(), 10),
      },
    );
    await expect(pending).rejects.toThrow('down');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
