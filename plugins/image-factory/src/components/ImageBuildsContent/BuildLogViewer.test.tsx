import { useState } from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import type { BuildLogLine } from '@image-factory/plugin-image-factory-common';
import { BuildLogViewer } from './BuildLogViewer';
import { mockLogViewerLayout } from '../../__testUtils__/logViewerLayout';

const S390X = 'linux/s390x';
const AMD64 = 'linux/amd64';

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

const BUILDKIT = log(
  [undefined, 'Fetching image-factory/examples at 1a2b3c'],
  [S390X, 'placing linux/s390x on local-docker (emulated)'],
  [
    S390X,
    'Building linux/s390x with BuildKit of Docker 20.10.24 (Dockerfile frontend 1.2) on executor local-docker',
  ],
  [S390X, '#4 [build 1/3] FROM docker.io/library/alpine:3.19'],
  [S390X, '#4 CACHED'],
  [S390X, '#5 [build 2/3] RUN make'],
  [S390X, '#6 [final 2/2] COPY --chmod=755 run.sh /run.sh'],
  [S390X, '#5 1.204 cc -o app main.c'],
  [S390X, '#6 DONE 0.2s'],
  [S390X, '#5 ERROR: executor failed running [/bin/sh -c make]: exit code: 3'],
  [AMD64, '#1 [build 2/3] RUN make'],
  [AMD64, '#1 1.100 cc -o app main.c'],
  [AMD64, '#1 DONE 2.1s'],
);

beforeEach(mockLogViewerLayout);
afterEach(() => jest.restoreAllMocks());

const render = (lines: BuildLogLine[]) =>
  renderInTestApp(
    <BuildLogViewer lines={lines} platforms={[AMD64, S390X]} live={false} />,
  );

/** A live log: `grow` adds lines as the stream would. */
let grow: (lines: BuildLogLine[]) => void = () => {};
function LiveLog(props: { initial: BuildLogLine[] }) {
  const [lines, setLines] = useState(props.initial);
  grow = setLines;
  return <BuildLogViewer lines={lines} platforms={[AMD64, S390X]} live />;
}

/** A step row of one platform, by its number, instruction and arguments. */
const step = (platform: string, name: string) =>
  within(
    within(screen.getByRole('list', { name: `${platform} steps` })).getByRole(
      'listitem',
      { name },
    ),
  );

describe('BuildLogViewer', () => {
  it("shows each platform's BuildKit steps: which came from the cache, which failed and why, output under its step", async () => {
    await render(BUILDKIT);

    expect(screen.getByText('3 steps · 1 cached · 1 failed')).toBeVisible();
    const from = step(S390X, '#4 FROM docker.io/library/alpine:3.19');
    expect(from.getByText('cached')).toBeInTheDocument();
    expect(from.getByText('[build 1/3]')).toBeInTheDocument();
    expect(from.queryByText('failed')).toBeNull();

    const make = step(S390X, '#5 RUN make');
    expect(make.getByText('RUN')).toBeInTheDocument();
    expect(make.getByText('failed')).toBeInTheDocument();
    expect(make.getByRole('alert')).toHaveTextContent(
      'ERROR: executor failed running [/bin/sh -c make]: exit code: 3',
    );
    expect(make.getByLabelText('Output of #5')).toHaveTextContent(
      '1.204 cc -o app main.c',
    );
    expect(make.queryByText('cached')).toBeNull();

    const copy = step(S390X, '#6 COPY --chmod=755 run.sh /run.sh');
    expect(copy.getByText('0.2s')).toBeInTheDocument();
    expect(copy.queryByText(/cc -o app/)).toBeNull();

    const amd64 = step(AMD64, '#1 RUN make');
    expect(amd64.getByText('2.1s')).toBeInTheDocument();
    expect(amd64.queryByText('failed')).toBeNull();
    expect(screen.getByText('1 step')).toBeVisible();

    // The factory's own lines stay in the run's list and beside the steps.
    expect(
      within(screen.getByRole('list', { name: 'Run steps' })).getByText(
        'Fetching image-factory/examples at 1a2b3c',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: `${S390X} steps` })).getByText(
        'placing linux/s390x on local-docker (emulated)',
      ),
    ).toBeInTheDocument();
  });

  it('shows one platform only, and its raw text on asking', async () => {
    await render(BUILDKIT);
    await userEvent.click(
      screen.getByRole('button', { name: /All platforms/ }),
    );
    await userEvent.click(screen.getByRole('option', { name: AMD64 }));
    expect(screen.queryByRole('list', { name: `${S390X} steps` })).toBeNull();
    expect(screen.queryByRole('list', { name: 'Run steps' })).toBeNull();
    expect(step(AMD64, '#1 RUN make').getByText('2.1s')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Raw log' }));
    expect(screen.getByRole('button', { name: 'Raw log' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await waitFor(() =>
      expect(screen.getByRole('log')).toHaveTextContent('#1 DONE 2.1s'),
    );
    expect(screen.queryByRole('list')).toBeNull();
    expect(
      screen.getByRole('button', { name: 'Copy the log' }),
    ).toBeInTheDocument();
  });

  it('follows a live log: a new step appears, running until it ends', async () => {
    const first = BUILDKIT.slice(0, 6);
    await renderInTestApp(<LiveLog initial={first} />);
    expect(screen.getByText('Following the log live (6 lines)')).toBeVisible();
    expect(
      step(S390X, '#5 RUN make').getByText('running…'),
    ).toBeInTheDocument();

    act(() => grow(BUILDKIT));
    expect(
      screen.getByText(`Following the log live (${BUILDKIT.length} lines)`),
    ).toBeVisible();
    expect(step(S390X, '#5 RUN make').queryByText('running…')).toBeNull();
    expect(step(S390X, '#5 RUN make').getByText('failed')).toBeInTheDocument();
    expect(step(AMD64, '#1 RUN make').getByText('2.1s')).toBeInTheDocument();
  });

  it("reads a classic builder's log: steps, the cache and the error", async () => {
    await render(
      log(
        [AMD64, 'Step 1/3 : FROM alpine:3.19'],
        [AMD64, ' ---> 1d34ffeaf190'],
        [AMD64, 'Step 2/3 : COPY app /app'],
        [AMD64, ' ---> Using cache'],
        [AMD64, 'Step 3/3 : RUN /app/test'],
        [AMD64, 'test failed'],
        [
          AMD64,
          "ERROR: The command '/bin/sh -c /app/test' returned a non-zero code: 3",
        ],
      ),
    );
    expect(screen.getByText('3 steps · 1 cached · 1 failed')).toBeVisible();
    expect(
      step(AMD64, 'Step 2/3 COPY app /app').getByText('cached'),
    ).toBeInTheDocument();
    const run = step(AMD64, 'Step 3/3 RUN /app/test');
    expect(run.getByText('test failed')).toBeInTheDocument();
    expect(run.getByRole('alert')).toHaveTextContent(
      "ERROR: The command '/bin/sh -c /app/test' returned a non-zero code: 3",
    );
  });
});
