import { resolveBaseDigests } from './baseDigests';

const DIGEST = (n: number) => `sha256:${String(n).repeat(64)}`;

describe('resolveBaseDigests', () => {
  it('takes pinned digests as written and the others from what tracking saw', async () => {
    const asked: string[] = [];
    const digests = {
      async getCurrent(reference: string) {
        asked.push(reference);
        if (reference !== 'docker.io/library/debian:12') return undefined;
        const observed = {
          platform: '',
          digest: DIGEST(1),
          firstSeenAt: new Date(),
          lastSeenAt: new Date(),
        };
        return { reference, digest: observed, platforms: [] };
      },
    };
    const dockerfile = [
      'ARG DEBIAN=12',
      'FROM debian:${DEBIAN} AS build',
      `FROM busybox@${DIGEST(2)}`,
      'COPY --from=ghcr.io/acme/tools:1 /t /t',
      'FROM scratch',
      '',
    ].join('\n');
    expect(await resolveBaseDigests(dockerfile, undefined, digests)).toEqual({
      'docker.io/library/debian:12': DIGEST(1),
      [`docker.io/library/busybox@${DIGEST(2)}`]: DIGEST(2),
    });
    expect(asked).toEqual([
      'docker.io/library/debian:12',
      'ghcr.io/acme/tools:1',
    ]);
    // Build args change what is built from.
    expect(
      Object.keys(
        await resolveBaseDigests(dockerfile, { DEBIAN: '11' }, digests),
      ),
    ).toEqual([`docker.io/library/busybox@${DIGEST(2)}`]);
    expect(
      await resolveBaseDigests('FROM scratch\n', undefined, undefined),
    ).toEqual({});
  });
});
