import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { runCli } from './runCli';

describe('image-factory analyze', () => {
  let dir: string;
  let out: string;
  let err: string;
  const run = (...args: string[]) =>
    runCli(args, {
      cwd: dir,
      stdout: t => {
        out += t;
      },
      stderr: t => {
        err += t;
      },
    });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-factory-cli-'));
    out = '';
    err = '';
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('prints the bases as JSON with lines and stages', async () => {
    await fs.writeFile(
      path.join(dir, 'Dockerfile'),
      'ARG BASE=node\nFROM ${BASE}:22 AS build\nFROM gcr.io/distroless/nodejs22\nCOPY --from=build /a /a\n',
    );
    expect(
      await run('analyze', 'Dockerfile', '--build-arg', 'BASE=python'),
    ).toBe(0);
    const analysis = JSON.parse(out);
    expect(
      analysis.bases.map((b: any) => [
        b.reference,
        b.usages[0].line,
        b.usages[0].stage,
      ]),
    ).toEqual([
      ['docker.io/library/python:22', 2, 'build'],
      ['gcr.io/distroless/nodejs22', 3, '1'],
    ]);
    expect(err).toBe('');
  });

  it('names the lines that need more than some builders read', async () => {
    await fs.writeFile(
      path.join(dir, 'Dockerfile'),
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN --mount=type=cache,target=/root/.cache go build\nFROM scratch\nCOPY <<EOF /motd\nhi\nEOF\n',
    );
    expect(await run('analyze', 'Dockerfile')).toBe(0);
    expect(
      JSON.parse(out).buildFeatures.map((f: any) => [
        f.feature,
        f.line,
        f.minDockerfileFrontend,
        f.classicBuilder,
      ]),
    ).toEqual([
      ['platform-flag', 1, '1.0', true],
      ['platform-args', 1, '1.0', false],
      ['run-mount', 2, '1.2', false],
      ['heredoc', 4, '1.4', false],
    ]);
  });

  it('exits 1 and names the line when a base cannot be resolved', async () => {
    await fs.writeFile(path.join(dir, 'Dockerfile'), 'FROM ${NOPE}\n');
    expect(await run('analyze', '--platform=linux/s390x', 'Dockerfile')).toBe(
      1,
    );
    expect(err).toContain(
      "Dockerfile:1: '${NOPE}' (expands to '') is not a valid image reference",
    );
  });

  it('exits 2 with usage for bad arguments', async () => {
    expect(await run()).toBe(2);
    expect(err).toContain('Usage: image-factory analyze');
    err = '';
    expect(await run('analyze', 'Dockerfile', '--build-arg', 'NOEQUALS')).toBe(
      2,
    );
    expect(err).toContain("--build-arg: expected NAME=VALUE, got 'NOEQUALS'");
    err = '';
    expect(await run('analyze', 'missing/Dockerfile')).toBe(2);
    expect(err).toContain('Cannot read missing/Dockerfile: ENOENT');
  });
});
