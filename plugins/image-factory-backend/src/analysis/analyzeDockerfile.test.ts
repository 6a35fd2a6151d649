import { promises as fs } from 'fs';
import path from 'path';
import { analyzeDockerfile } from './analyzeDockerfile';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const refs = (text: string, options = {}) =>
  analyzeDockerfile(text, options).bases.map(b => b.reference);

describe('analyzeDockerfile', () => {
  it('finds the bases of a multi-stage build, with aliases resolved', () => {
    const analysis = analyzeDockerfile(
      lines(
        'FROM node:22 AS build',
        'RUN npm ci',
        'FROM build AS test',
        'FROM gcr.io/distroless/nodejs22',
        'COPY --from=build /app /app',
      ),
    );
    expect(analysis.bases).toEqual([
      {
        reference: 'docker.io/library/node:22',
        usages: [{ kind: 'from', line: 1, written: 'node:22', stage: 'build' }],
      },
      {
        reference: 'gcr.io/distroless/nodejs22',
        usages: [
          {
            kind: 'from',
            line: 4,
            written: 'gcr.io/distroless/nodejs22',
            stage: '2',
          },
        ],
      },
    ]);
    expect(analysis.stages.map(s => s.from)).toEqual([
      'docker.io/library/node:22',
      'build',
      'gcr.io/distroless/nodejs22',
    ]);
    expect(analysis.errors).toEqual([]);
  });

  it('substitutes global ARGs, with build args overriding their defaults', () => {
    const text = lines(
      'ARG BASE=python',
      'ARG TAG=3.12',
      'FROM ${BASE}:${TAG}-slim',
      'FROM $BASE',
    );
    expect(refs(text)).toEqual([
      'docker.io/library/python:3.12-slim',
      'docker.io/library/python',
    ]);
    expect(refs(text, { buildArgs: { TAG: '3.11', OTHER: 'x' } })).toEqual([
      'docker.io/library/python:3.11-slim',
      'docker.io/library/python',
    ]);
  });

  it('applies ${VAR:-default} and friends like Docker', () => {
    const text = lines(
      'ARG EMPTY=',
      'ARG UNSET',
      'ARG SET=alpine',
      'FROM ${EMPTY:-debian}',
      'FROM ${EMPTY-busybox}:1',
      'FROM ${UNSET-ubuntu}',
      'FROM ${SET:+registry.local:5000/}x',
    );
    expect(refs(text)).toEqual([
      'docker.io/library/debian',
      // EMPTY is set (to ''), so ${EMPTY-…} keeps '' and the tag stands alone.
      'docker.io/library/ubuntu',
      'registry.local:5000/x',
    ]);
    const { errors } = analyzeDockerfile(text);
    expect(errors).toEqual([
      {
        line: 5,
        message:
          "Dockerfile:5: '${EMPTY-busybox}:1' (expands to ':1') is not a valid image reference: repository name is missing",
      },
    ]);
  });

  it('ignores ARGs declared after the first FROM for FROM lines', () => {
    const text = lines('FROM alpine', 'ARG V=2', 'FROM busybox:${V}');
    const analysis = analyzeDockerfile(text);
    // Docker: a FROM only sees the global ARGs declared before the first FROM.
    expect(analysis.errors.map(e => e.line)).toEqual([3]);
    expect(analysis.warnings.map(w => w.message)).toEqual([
      "Dockerfile:3: ARG V has no value; it expands to ''",
    ]);
  });

  it('leaves out scratch and stage references, by name or index', () => {
    const text = lines(
      'FROM scratch AS base',
      'FROM golang:1.23 AS Builder',
      'FROM BUILDER',
      'COPY --from=0 /a /a',
      'COPY --from=builder /b /b',
      'RUN --mount=type=bind,from=base,target=/x true',
    );
    expect(refs(text)).toEqual(['docker.io/library/golang:1.23']);
  });

  it('reports images used by COPY --from and RUN --mount from=', () => {
    const analysis = analyzeDockerfile(
      lines(
        'FROM alpine:3.20',
        'COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv',
        'RUN --mount=type=cache,target=/root/.cache \\',
        '    --mount=type=bind,from=docker.io/library/busybox:1.36,source=/bin,target=/bb \\',
        '    true',
      ),
    );
    expect(
      analysis.bases.map(b => [
        b.reference,
        b.usages[0].kind,
        b.usages[0].line,
      ]),
    ).toEqual([
      ['docker.io/library/alpine:3.20', 'from', 1],
      ['ghcr.io/astral-sh/uv:0.5', 'copy-from', 2],
      ['docker.io/library/busybox:1.36', 'mount-from', 3],
    ]);
  });

  it('deduplicates a base used several times and keeps every usage', () => {
    const analysis = analyzeDockerfile(
      lines('FROM debian:12 AS a', 'FROM docker.io/library/debian:12 AS b'),
    );
    expect(analysis.bases).toHaveLength(1);
    expect(analysis.bases[0].usages.map(u => u.line)).toEqual([1, 2]);
  });

  it('keeps pinned digests and --platform flags', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const analysis = analyzeDockerfile(
      lines(`FROM --platform=$TARGETPLATFORM alpine:3@${digest}`),
      { platform: 'linux/s390x' },
    );
    expect(analysis.bases[0]).toMatchObject({
      reference: `docker.io/library/alpine:3@${digest}`,
      digest,
      usages: [{ platform: 'linux/s390x' }],
    });
  });

  it('does not mistake heredoc content or continuation lines for instructions', () => {
    const analysis = analyzeDockerfile(
      lines(
        '# syntax=docker/dockerfile:1',
        'FROM alpine',
        'COPY <<EOF /etc/motd',
        'FROM not-an-instruction',
        'EOF',
        'RUN echo one \\',
        '  FROM also-not',
      ),
    );
    expect(analysis.bases.map(b => b.reference)).toEqual([
      'docker.io/library/alpine',
    ]);
  });

  it('honours the escape parser directive', () => {
    const analysis = analyzeDockerfile(
      lines('# escape=`', 'ARG IMG=alpine', 'FROM `', '  ${IMG}:3'),
    );
    expect(analysis.bases.map(b => b.reference)).toEqual([
      'docker.io/library/alpine:3',
    ]);
  });

  it('names the file and line of every problem', () => {
    const analysis = analyzeDockerfile(
      lines('FROM Node:22', 'FROM', 'COPY --from=alpine::3 /a /b'),
      { file: 'images/web/Dockerfile' },
    );
    expect(analysis.errors.map(e => e.message)).toEqual([
      "images/web/Dockerfile:1: 'Node:22' is not a valid image reference: repository name 'Node' must be lowercase",
      'images/web/Dockerfile:2: FROM needs an image',
      expect.stringMatching(
        /^images\/web\/Dockerfile:3: 'alpine::3' is not a valid image reference: /,
      ),
    ]);
    expect(analyzeDockerfile('RUN true\n').errors.map(e => e.message)).toEqual([
      'Dockerfile:1: no build stage in current context',
      'Dockerfile: has no FROM instruction',
    ]);
  });

  it('analyzes the example Dockerfiles', async () => {
    const examples = path.resolve(
      __dirname,
      '../../../../examples/dockerfiles',
    );
    const read = (name: string) =>
      fs.readFile(path.join(examples, name, 'Dockerfile'), 'utf8');
    expect(
      refs(await read('hello-web'), { buildArgs: { GREETING: 'hi' } }),
    ).toEqual(['localhost:5000/base/busybox:stable']);
    expect(refs(await read('busybox-base'))).toEqual([
      'localhost:5000/upstream/busybox:1.35',
    ]);
    expect(refs(await read('hello-static'))).toEqual([]);
  });
});
