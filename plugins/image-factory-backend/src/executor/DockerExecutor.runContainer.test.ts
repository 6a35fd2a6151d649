import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { ensureDockerd, TestDockerd } from '../__testUtils__/ensureDockerd';
import { freePort } from '../__testUtils__/freePort';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { thrown } from '../__testUtils__/thrown';
import { OciRegistryClient } from '../registry';
import { captureLogger } from './__testUtils__/captureLogger';
import {
  DEFAULT_OUTPUT,
  pushRunnableImage,
} from './__testUtils__/pushRunnableImage';
import { DockerExecutor } from './DockerExecutor';
import { BuildRequestError, ImagePullError } from './errors';
import { RUN_LABEL } from './runContainer';

jest.setTimeout(180_000);

const USERNAME = 'runner';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const NATIVE = `linux/${os.arch() === 'x64' ? 'amd64' : os.arch()}`;

// The checks' own scenarios (exit codes, timeouts, QEMU) are in
// lifecycle/verification/runStageChecks.test.ts; these are the executor's
// edges: credentials, unreachable registries, bad requests.
describe('DockerExecutor.runContainer', () => {
  const logs: string[] = [];
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let executor: DockerExecutor;
  let workDir: string;
  let reference: string;
  const auth = (password = PASSWORD) => ({
    username: USERNAME,
    password,
    serveraddress: registry.host,
  });

  beforeAll(async () => {
    [dockerd, registry] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
    ]);
    executor = DockerExecutor.create({
      docker: dockerd.docker,
      logger: captureLogger(logs),
    });
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'run-test-'));
    ({ reference } = await pushRunnableImage({
      executor,
      client: OciRegistryClient.create({
        credentials: async () => ({ type: 'basic', ...auth() }),
      }),
      repository: `${registry.host}/run-test/app`,
      platforms: [NATIVE],
      auth: auth(),
      workDir,
    }));
  });

  afterAll(async () => {
    if (reference) await executor.removeImage(reference).catch(() => {});
    await registry?.stop();
    await dockerd?.stop();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  it('pulls with credentials by digest and runs the image without a network', async () => {
    const lines: string[] = [];
    const result = await executor.runContainer({
      image: reference,
      platform: NATIVE,
      pullAuth: auth(),
      onLog: line => lines.push(line),
    });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(lines).toEqual([DEFAULT_OUTPUT]);

    const network: string[] = [];
    await executor.runContainer({
      image: reference,
      platform: NATIVE,
      pullAuth: auth(),
      command: ['/bin/busybox', 'ip', '-o', 'link'],
      onLog: line => network.push(line),
    });
    expect(network.join('\n')).not.toMatch(/eth0/);
    expect(
      await dockerd.docker.listContainers({
        all: true,
        filters: { label: [`${RUN_LABEL}=${reference}`] },
      }),
    ).toEqual([]);
  });

  it('names the image it cannot pull, without the credentials, and says whether a retry may help', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    // The engine takes an image it holds by digest without asking the registry.
    await executor.removeImage(reference);
    const refused = await thrown(() =>
      executor.runContainer({
        image: reference,
        platform: NATIVE,
        pullAuth: auth(wrong),
      }),
    );
    expect(refused).toBeInstanceOf(ImagePullError);
    expect(refused.message).toMatch(
      new RegExp(
        `^The image ${escape(reference)} cannot be pulled for ${NATIVE}: `,
      ),
    );
    expect(refused).toMatchObject({ transient: false, image: reference });
    expect(refused.message).not.toContain(wrong);
    expect(logs.join('\n')).not.toContain(wrong);

    const down = `127.0.0.1:${await freePort()}/nothing/here:1`;
    const unreachable = await thrown(() =>
      executor.runContainer({ image: down, platform: NATIVE }),
    );
    expect(unreachable).toBeInstanceOf(ImagePullError);
    expect(unreachable.message).toContain(`The image ${down} cannot be pulled`);
    expect(unreachable).toMatchObject({ transient: true });
  });

  it('refuses a bad request naming the field', async () => {
    const bad = (
      request: Partial<Parameters<DockerExecutor['runContainer']>[0]>,
    ) =>
      thrown(() =>
        executor.runContainer({
          image: reference,
          platform: NATIVE,
          ...request,
        }),
      );
    expect(await bad({ platform: 'amd64' })).toMatchObject({
      name: BuildRequestError.name,
      message:
        "platform: must be os/arch[/variant] such as linux/amd64, got 'amd64'",
    });
    expect((await bad({ command: [] })).message).toBe(
      'command: must not be empty when given',
    );
    expect((await bad({ env: { 'A=B': 'c' } })).message).toBe(
      "env: 'A=B' is not a variable name (no '=' or NUL)",
    );
    expect((await bad({ timeoutMs: 0 })).message).toBe(
      'timeoutMs: must be a positive number, got 0',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
