import {
  BUILD_FEATURES,
  BuildFeature,
  requiredBuildFeatures,
} from './buildFeatures';

const uses = (...lines: string[]) =>
  requiredBuildFeatures(`${lines.join('\n')}\n`).map(
    u => [u.feature, u.line, u.text] as const,
  );

describe('requiredBuildFeatures', () => {
  const cases: Array<{
    name: string;
    dockerfile: string[];
    expected: Array<readonly [BuildFeature, number, string]>;
  }> = [
    {
      name: 'a plain Dockerfile needs nothing',
      dockerfile: [
        'FROM alpine:3',
        'COPY --from=busybox --chown=1:1 /a /b',
        'RUN true',
      ],
      expected: [],
    },
    {
      name: 'a # syntax directive at the top, with or without a space',
      dockerfile: [
        '#syntax=docker/dockerfile:1.7',
        '# escape=\\',
        'FROM alpine',
      ],
      expected: [['syntax-directive', 1, '#syntax=docker/dockerfile:1.7']],
    },
    {
      name: 'a # syntax directive after a shebang line (DetectSyntax skips it)',
      dockerfile: [
        '#!/usr/bin/env buildctl',
        '# syntax = docker/dockerfile:1',
        'FROM alpine',
      ],
      expected: [['syntax-directive', 2, '# syntax = docker/dockerfile:1']],
    },
    {
      name: 'a # syntax line after another comment or an instruction is a comment',
      dockerfile: [
        '# my image',
        '# syntax=docker/dockerfile:1',
        'FROM alpine',
        '# syntax=x',
      ],
      expected: [],
    },
    {
      name: 'heredocs in RUN and COPY, at their first line',
      dockerfile: [
        'FROM alpine',
        'RUN <<EOF',
        'echo hi',
        'EOF',
        'COPY <<-"END" /etc/motd',
        '\thello',
        '\tEND',
        'RUN echo "<<NOT" a<<b',
      ],
      expected: [
        ['heredoc', 2, 'RUN <<EOF'],
        ['heredoc', 5, 'COPY <<-"END" /etc/motd'],
      ],
    },
    {
      name: 'heredoc bodies and JSON forms are not read as instructions',
      dockerfile: [
        'FROM alpine',
        'RUN <<EOF',
        'RUN --mount=type=cache,target=/x true',
        'EOF',
        'RUN ["sh", "-c", "cat <<EOF"]',
      ],
      expected: [['heredoc', 2, 'RUN <<EOF']],
    },
    {
      name: 'RUN flags, a continued instruction reporting its first line',
      dockerfile: [
        'FROM alpine',
        'RUN \\',
        '  # cache the downloads',
        '  --mount=type=cache,target=/root/.cache \\',
        '  --network=none --security=insecure true',
      ],
      expected: [
        [
          'run-mount',
          2,
          'RUN   --mount=type=cache,target=/root/.cache   --network=none --security=insecure true',
        ],
        [
          'run-network',
          2,
          'RUN   --mount=type=cache,target=/root/.cache   --network=none --security=insecure true',
        ],
        [
          'run-security',
          2,
          'RUN   --mount=type=cache,target=/root/.cache   --network=none --security=insecure true',
        ],
      ],
    },
    {
      name: 'COPY and ADD flags',
      dockerfile: [
        'FROM alpine',
        'COPY --link --chmod=755 a /b',
        'COPY --link=false c /d',
        'COPY --parents --exclude=*.md ./src/ /app/',
        'ADD --checksum=sha256:abc https://example.com/x.tgz /x',
      ],
      expected: [
        ['copy-link', 2, 'COPY --link --chmod=755 a /b'],
        ['copy-chmod', 2, 'COPY --link --chmod=755 a /b'],
        ['copy-exclude', 4, 'COPY --parents --exclude=*.md ./src/ /app/'],
        ['copy-parents', 4, 'COPY --parents --exclude=*.md ./src/ /app/'],
        [
          'add-checksum',
          5,
          'ADD --checksum=sha256:abc https://example.com/x.tgz /x',
        ],
      ],
    },
    {
      name: 'ADD of a Git repository, not of a plain URL',
      dockerfile: [
        'FROM alpine',
        'ADD https://github.com/moby/buildkit.git#v0.12 /src',
        'ADD git@github.com:moby/buildkit.git /src2',
        'ADD https://example.com/file.tar.gz /f',
      ],
      expected: [
        ['add-git', 2, 'ADD https://github.com/moby/buildkit.git#v0.12 /src'],
        ['add-git', 3, 'ADD git@github.com:moby/buildkit.git /src2'],
      ],
    },
    {
      name: 'FROM --platform, and the automatic platform args',
      dockerfile: [
        'FROM --platform=linux/arm64 alpine AS a',
        'FROM --platform=$BUILDPLATFORM golang AS build',
        'ARG TARGETOS TARGETARCH',
        'FROM alpine:${TARGETARCH}',
      ],
      expected: [
        ['platform-flag', 1, 'FROM --platform=linux/arm64 alpine AS a'],
        ['platform-flag', 2, 'FROM --platform=$BUILDPLATFORM golang AS build'],
        ['platform-args', 2, 'FROM --platform=$BUILDPLATFORM golang AS build'],
        ['platform-args', 3, 'ARG TARGETOS TARGETARCH'],
        ['platform-args', 4, 'FROM alpine:${TARGETARCH}'],
      ],
    },
    {
      name: 'substitutions newer frontends added, where BuildKit expands (not in RUN commands)',
      dockerfile: [
        'ARG IMAGE=alpine:3.20.1 PROXY',
        'FROM ${IMAGE%.*}',
        'ENV http_proxy=${PROXY-http://proxy:3128} OK=${PROXY:-x} ALSO=${PROXY:?}',
        'COPY --chown=${USER/root/0} a /b',
        'RUN echo ${HOME#/} ${X-y}',
        'CMD echo ${HOME%/}',
      ],
      expected: [
        ['variable-pattern-modifiers', 2, 'FROM ${IMAGE%.*}'],
        [
          'variable-posix-modifiers',
          3,
          'ENV http_proxy=${PROXY-http://proxy:3128} OK=${PROXY:-x} ALSO=${PROXY:?}',
        ],
        ['variable-pattern-modifiers', 4, 'COPY --chown=${USER/root/0} a /b'],
      ],
    },
    {
      name: 'the escape directive: backtick continuations',
      dockerfile: [
        '# escape=`',
        'FROM alpine',
        'RUN `',
        '  --mount=type=cache,target=C:\\x dir',
      ],
      expected: [['run-mount', 3, 'RUN   --mount=type=cache,target=C:\\x dir']],
    },
  ];

  it.each(cases.map(c => [c.name, c] as const))('%s', (_, c) => {
    expect(uses(...c.dockerfile)).toEqual(c.expected);
  });

  it('describes every feature with the frontend version that reads it', () => {
    expect(BUILD_FEATURES.heredoc).toEqual({
      title: 'heredoc (RUN <<EOF)',
      minDockerfileFrontend: '1.4',
      labs: false,
      classic: false,
    });
    // Docker 20.10's built-in frontend (1.2) reads RUN --mount and --chmod, not heredocs or --link.
    const readBy12 = (Object.keys(BUILD_FEATURES) as BuildFeature[]).filter(
      f =>
        !BUILD_FEATURES[f].labs &&
        Number(BUILD_FEATURES[f].minDockerfileFrontend) <= 1.2,
    );
    expect(readBy12).toEqual(
      expect.arrayContaining(['run-mount', 'copy-chmod', 'platform-flag']),
    );
    expect(readBy12).not.toContain('heredoc');
    expect(readBy12).not.toContain('copy-link');
    const classic = (Object.keys(BUILD_FEATURES) as BuildFeature[]).filter(
      f => BUILD_FEATURES[f].classic,
    );
    expect(classic).toEqual(['platform-flag']);
  });
});
