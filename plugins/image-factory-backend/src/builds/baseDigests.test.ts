import { baseChangedFor } from './baseChangedFor';
import { resolveBaseDigests, resolveBases } from './baseDigests';

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

  it("rebuilds every platform when a base of a cross-compiling stage changes, since each platform's build used its build platform's image", async () => {
    const current = (index: number, amd64: number, s390x: number) => ({
      async getCurrent(reference: string) {
        const seen = (platform: string, digest: string) => ({
          platform,
          digest,
          firstSeenAt: new Date(),
          lastSeenAt: new Date(),
        });
        return {
          reference,
          digest: seen('', DIGEST(index)),
          platforms: [
            seen('linux/amd64', DIGEST(amd64)),
            seen('linux/s390x', DIGEST(s390x)),
          ],
        };
      },
    });
    const inputs = async (
      dockerfile: string,
      digests: ReturnType<typeof current>,
    ) => {
      const bases = await resolveBases(dockerfile, undefined, digests);
      return {
        baseDigests: bases.digests,
        basePlatformDigests: bases.platformDigests,
      } as never;
    };
    const cross =
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build\nFROM scratch\nCOPY --from=build /app /app\n';
    const plain = 'FROM golang:1.22\nRUN go build\n';
    // Only the amd64 image of golang changed.
    const before = current(1, 2, 3);
    const after = current(4, 5, 3);
    expect(
      baseChangedFor(
        'linux/s390x',
        await inputs(cross, before),
        await inputs(cross, after),
      ),
    ).toBe('docker.io/library/golang:1.22');
    // Built FROM it for the target, s390x's own image is what counts.
    expect(
      baseChangedFor(
        'linux/s390x',
        await inputs(plain, before),
        await inputs(plain, after),
      ),
    ).toBeUndefined();
  });
});
