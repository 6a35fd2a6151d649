import { InputError } from '@backstage/errors';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import {
  ensureBinfmt,
  ensureDockerd,
  TestDockerd,
} from '../../__testUtils__/ensureDockerd';
import {
  startTestRegistry,
  TestRegistry,
} from '../../__testUtils__/startTestRegistry';
import { thrown } from '../../__testUtils__/thrown';
import { ExecutorPool } from '../../builds';
import { DockerExecutor } from '../../executor';
import { captureLogger } from '../../executor/__testUtils__/captureLogger';
import {
  DEFAULT_OUTPUT,
  pushRunnableImage,
} from '../../executor/__testUtils__/pushRunnableImage';
import { RUN_LABEL } from '../../executor/runContainer';
import { OciRegistryClient } from '../../registry';
import { runStageChecks, VerificationLogSink } from '.';

jest.setTimeout(240_000);

const USERNAME = 'verifier';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const native = os.arch() === 'x64' ? 'amd64' : os.arch();
const NATIVE = `linux/${native}`;
const S390X = 'linux/s390x';
const sh = (script: string) => ['/bin/busybox', 'sh', '-c', script];

/** A log sink that keeps every line as `stream platform text`. */
function recordingLog(): VerificationLogSink & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    system: (text, platform) => lines.push(`system ${platform ?? '-'} ${text}`),
    build: (platform, text) => lines.push(`build ${platform} ${text}`),
  };
}

// The version under test is pushed to a real registry (with credentials)
// and pulled by its index digest; the checks run on the real Docker engine,
// s390x through QEMU.
describe('runStageChecks', () => {
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let executor: DockerExecutor;
  let pool: ExecutorPool;
  let workDir: string;
  let version: { reference: string; platforms: string[] };
  const hostsAsked: string[] = [];
  const pullAuth = async (host: string) => {
    hostsAsked.push(host);
    return host === registry.host
      ? { username: USERNAME, password: PASSWORD, serveraddress: host }
      : undefined;
  };
  /** Containers the runs of an image left on the engine. */
  const leftovers = async (image: string) =>
    dockerd.docker.listContainers({
      all: true,
      filters: { label: [`${RUN_LABEL}=${image}`] },
    });

  beforeAll(async () => {
    [dockerd, registry] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
    ]);
    if (!(await ensureBinfmt('s390x'))) {
      throw new Error(
        'No QEMU binfmt handler for s390x (qemu-user-static, scripts/lib/services.sh ensure_binfmt)',
      );
    }
    executor = DockerExecutor.create({
      docker: dockerd.docker,
      logger: captureLogger(),
    });
    pool = new ExecutorPool([executor], []);
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'verify-test-'));
    const auth = {
      username: USERNAME,
      password: PASSWORD,
      serveraddress: registry.host,
    };
    const pushed = await pushRunnableImage({
      executor,
      client: OciRegistryClient.create({
        credentials: async () => ({ type: 'basic', ...auth }),
      }),
      repository: `${registry.host}/verify-test/app`,
      platforms: [NATIVE, S390X],
      auth,
      workDir,
    });
    version = { reference: pushed.reference, platforms: [NATIVE, S390X] };
  });

  afterAll(async () => {
    if (version) await executor.removeImage(version.reference).catch(() => {});
    await registry?.stop();
    await dockerd?.stop();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  it('passes when every check passes on every platform, native and through QEMU', async () => {
    const log = recordingLog();
    const outcome = await runStageChecks({
      checks: [
        { name: 'smoke' },
        { name: 'arch', command: ['/bin/busybox', 'uname', '-m'] },
      ],
      version,
      executors: pool,
      pullAuth,
      log,
    });

    expect(outcome.passed).toBe(true);
    expect(outcome.results).toEqual([
      expect.objectContaining({
        check: 'smoke',
        platform: NATIVE,
        executor: 'docker',
        emulated: false,
        status: 'passed',
        exitCode: 0,
      }),
      expect.objectContaining({
        check: 'smoke',
        platform: S390X,
        emulated: true,
        status: 'passed',
      }),
      expect.objectContaining({ check: 'arch', platform: NATIVE }),
      expect.objectContaining({
        check: 'arch',
        platform: S390X,
        executor: 'docker',
        emulated: true,
        status: 'passed',
      }),
    ]);
    // The image's own command ran on both platforms; uname saw QEMU's s390x.
    expect(log.lines).toContain(`build ${NATIVE} [smoke] ${DEFAULT_OUTPUT}`);
    expect(log.lines).toContain(`build ${S390X} [smoke] ${DEFAULT_OUTPUT}`);
    expect(log.lines).toContain(`build ${S390X} [arch] s390x`);
    expect(log.lines).toContain(
      `system ${S390X} Check arch on ${S390X}: running ${version.reference} on executor docker (emulated through QEMU), timeout 10m`,
    );
    expect(outcome.summary).toBe(
      'Verification passed: 4 of 4 check runs passed',
    );
    expect(hostsAsked).toContain(registry.host);
    expect(await leftovers(version.reference)).toEqual([]);
  });

  it('tells a failed check, one past its timeout and an image that cannot be pulled apart, leaving nothing behind', async () => {
    const missing = `${registry.host}/verify-test/missing:${randomBytes(
      4,
    ).toString('hex')}`;
    const log = recordingLog();
    const outcome = await runStageChecks({
      checks: [
        {
          name: 'env',
          command: sh('echo "$GREETING, $WHO"; echo to stderr >&2'),
          env: { GREETING: 'hello', WHO: 'verifier' },
          platforms: [NATIVE],
        },
        {
          name: 'fails',
          command: sh('echo failing on purpose; exit 3'),
          platforms: [NATIVE],
        },
        {
          name: 'slow',
          // The hostname is the container id's start: it must be gone after.
          command: sh('hostname; sleep 60'),
          timeout: '2s',
          platforms: [NATIVE],
        },
        { name: 'runner', image: missing, platforms: [NATIVE] },
      ],
      version,
      executors: pool,
      pullAuth,
      log,
    });

    expect(outcome.passed).toBe(false);
    const [env, fails, slow, runner] = outcome.results;
    expect(env).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(log.lines).toContain(`build ${NATIVE} [env] hello, verifier`);
    expect(log.lines).toContain(`build ${NATIVE} [env] to stderr`);

    expect(fails).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(log.lines).toContain(`build ${NATIVE} [fails] failing on purpose`);
    expect(log.lines).toContainEqual(
      expect.stringMatching(/Check fails on .* failed: exit code 3 after/),
    );

    expect(slow).toMatchObject({ status: 'timedOut', executor: 'docker' });
    expect(slow.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(slow.durationMs).toBeLessThan(60_000);
    const hostname = log.lines
      .find(l => l.startsWith(`build ${NATIVE} [slow] `))!
      .split(' ')
      .pop()!;
    expect(hostname).toMatch(/^[0-9a-f]{12}$/);
    expect(
      await thrown(() => dockerd.docker.getContainer(hostname).inspect()),
    ).toMatchObject({ statusCode: 404 });

    expect(runner).toMatchObject({
      check: 'runner',
      status: 'error',
      executor: 'docker',
    });
    expect(runner.exitCode).toBeUndefined();
    expect(runner.error).toContain(`The image ${missing} cannot be pulled`);
    expect(runner.error).not.toContain(PASSWORD);
    expect(await leftovers(missing)).toEqual([]);
    expect(
      await thrown(() => dockerd.docker.getImage(missing).inspect()),
    ).toMatchObject({ statusCode: 404 });

    expect(outcome.summary).toBe(
      `Verification failed: fails on ${NATIVE} exited 3; slow on ${NATIVE} timed out; runner on ${NATIVE} could not run (${runner.error})`,
    );
    expect(log.lines.join('\n')).not.toContain(PASSWORD);
    expect(await leftovers(version.reference)).toEqual([]);
  });

  it('stops at a cancel: the running container is killed and removed, the rest not run', async () => {
    const controller = new AbortController();
    const log = recordingLog();
    const outcome = await runStageChecks({
      checks: [
        {
          name: 'long',
          command: sh('echo started; sleep 60'),
          platforms: [NATIVE],
        },
        { name: 'after', platforms: [NATIVE] },
      ],
      version,
      executors: pool,
      pullAuth,
      log: {
        system: log.system,
        build: (platform, text) => {
          log.build(platform, text);
          if (text.endsWith('started')) controller.abort();
        },
      },
      signal: controller.signal,
    });
    expect(outcome.passed).toBe(false);
    expect(outcome.results).toEqual([
      expect.objectContaining({
        check: 'long',
        status: 'error',
        error: 'The run was cancelled',
      }),
      expect.objectContaining({
        check: 'after',
        status: 'error',
        error: 'not run: the verification was cancelled',
      }),
    ]);
    expect(outcome.results[0].durationMs).toBeLessThan(30_000);
    expect(await leftovers(version.reference)).toEqual([]);
  });

  it('reports a platform no executor has and one the version lacks as errors', async () => {
    const outcome = await runStageChecks({
      checks: [
        { name: 'other', image: 'busybox:1', platforms: ['linux/riscv64'] },
        { name: 'self', platforms: ['linux/arm64'] },
      ],
      version,
      executors: pool,
      pullAuth,
      log: recordingLog(),
    });
    expect(outcome.results).toEqual([
      expect.objectContaining({
        status: 'error',
        error: expect.stringMatching(
          /^no executor runs containers for linux\/riscv64 \(docker \[/,
        ),
      }),
      expect.objectContaining({
        status: 'error',
        error: `linux/arm64 is not a platform of the version (${NATIVE}, ${S390X})`,
      }),
    ]);
  });

  it('refuses bad input naming the field, before anything runs', async () => {
    const log = recordingLog();
    const run = (checks: Parameters<typeof runStageChecks>[0]['checks']) =>
      thrown(() =>
        runStageChecks({ checks, version, executors: pool, pullAuth, log }),
      );
    const error = await run([{ name: 'ok' }, { name: 'x', timeout: '5x' }]);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "checks[1].timeout: must be a duration such as 5m or 1h30m, got '5x'",
    );
    expect((await run([{ name: 'x', image: 'Not A Ref' }])).message).toMatch(
      /^checks\[0\]\.image: must be 'self' or an image reference/,
    );
    expect(
      await thrown(() =>
        runStageChecks({
          checks: [{ name: 'x' }],
          version: { ...version, reference: 'example.com/app:latest' },
          executors: pool,
          pullAuth,
          log,
        }),
      ),
    ).toMatchObject({
      message:
        "version.reference: must be registry/repository@sha256:…, got 'example.com/app:latest'",
    });
    expect(log.lines).toEqual([]);
  });
});
