import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { imageFactoryApiRef } from '../../api';
import { InMemoryImageFactoryApi } from '../../__fixtures__/InMemoryImageFactoryApi';
import { exampleImage, watchedBaseImage } from '../../__fixtures__/images';
import {
  NODES,
  busyboxBaseCascade,
  graphFixture,
} from '../../__fixtures__/rebuilds';
import { emptyStatus } from '../../__fixtures__/status';
import { ImageDependenciesContent } from './ImageDependenciesContent';

jest.setTimeout(30_000);

// jsdom lays nothing out: DependencyGraph measures each node with getBBox
// (which jsdom's SVG elements lack) and its container with
// getBoundingClientRect.
const box = { x: 0, y: 0, width: 200, height: 44 };
beforeAll(() => {
  if (!('getBBox' in SVGElement.prototype)) {
    Object.defineProperty(SVGElement.prototype, 'getBBox', {
      configurable: true,
      writable: true,
      value: () => box,
    });
  }
});

beforeEach(() => {
  jest
    .spyOn(SVGElement.prototype as unknown as { getBBox(): unknown }, 'getBBox')
    .mockReturnValue(box);
  jest.spyOn(Element.prototype, 'getBoundingClientRect').mockReturnValue({
    ...box,
    width: 800,
    height: 480,
    top: 0,
    left: 0,
    bottom: 480,
    right: 800,
    toJSON: () => ({}),
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function renderTab(
  api: InMemoryImageFactoryApi,
  entity: Entity = exampleImage('hello-web'),
) {
  await renderInTestApp(
    <TestApiProvider apis={[[imageFactoryApiRef, api]]}>
      <EntityProvider entity={entity}>
        <ImageDependenciesContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** The graph's node of an id (the graph is hidden until laid out). */
const graphNode = (id: string) =>
  document.querySelector(`g[data-node="${CSS.escape(id)}"]`);
const nodeIds = () =>
  Array.from(document.querySelectorAll('g[data-node]')).map(g =>
    g.getAttribute('data-node'),
  );

function apiWithGraph() {
  const api = new InMemoryImageFactoryApi(emptyStatus);
  api.graph = graphFixture;
  api.cascades[NODES.busyboxBase] = busyboxBaseCascade;
  return api;
}

describe('ImageDependenciesContent', () => {
  it('lists the bases of the image with digest, type and entity link', async () => {
    await renderTab(apiWithGraph());

    const row = within(
      (
        await screen.findByText(NODES.busyboxBase, { selector: 'td code' })
      ).closest('tr')!,
    );
    expect(row.getByText('sha256:cccc3333cccc…')).toBeInTheDocument();
    expect(row.getByText('base')).toBeInTheDocument();
    expect(row.getByRole('link', { name: 'busybox-base' })).toHaveAttribute(
      'href',
      '/catalog/default/image/busybox-base',
    );
    // Not a base of hello-web.
    expect(
      screen.queryByText(NODES.debian, { selector: 'td code' }),
    ).not.toBeInTheDocument();
  });

  it('draws the neighbourhood, or the whole graph with the toggle', async () => {
    await renderTab(apiWithGraph());

    await waitFor(() =>
      expect(nodeIds().sort()).toEqual(
        [
          NODES.busyboxBase,
          NODES.helloWeb,
          NODES.helloApi,
          NODES.helloWorker,
        ].sort(),
      ),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Whole graph' }),
    );
    await waitFor(() => expect(nodeIds()).toHaveLength(7));
  });

  it('highlights the predicted cascade of a clicked node and lists it in order', async () => {
    const api = apiWithGraph();
    await renderTab(api);
    await waitFor(() => expect(graphNode(NODES.busyboxBase)).not.toBeNull());
    expect(graphNode(NODES.helloApi)).toHaveAttribute('data-highlight', 'none');

    await userEvent.click(graphNode(NODES.busyboxBase)!);

    expect(api.cascadeCalls).toEqual([NODES.busyboxBase]);
    const list = await screen.findByRole('list', {
      name: 'Predicted rebuilds',
    });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      expect.stringMatching(/^1\. hello-web.*depth 1/),
      expect.stringMatching(/^2\. hello-api.*depth 2/),
    ]);
    expect(
      within(
        screen.getByRole('list', { name: 'Cut by the depth cap' }),
      ).getByText('hello-worker'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(graphNode(NODES.busyboxBase)).toHaveAttribute(
        'data-highlight',
        'changed',
      ),
    );
    expect(graphNode(NODES.helloWeb)).toHaveAttribute(
      'data-highlight',
      'rebuilt',
    );
    expect(graphNode(NODES.helloApi)).toHaveAttribute(
      'data-highlight',
      'rebuilt',
    );
    expect(graphNode(NODES.helloWorker)).toHaveAttribute(
      'data-highlight',
      'cut',
    );
    expect(graphNode(NODES.helloWorker)).toHaveAttribute(
      'aria-label',
      `${NODES.helloWorker} (cut by the depth cap)`,
    );
    expect(screen.getByText('Rebuilt in the cascade')).toBeInTheDocument();

    // A leaf rebuilds nothing, and the highlight moves.
    await userEvent.click(graphNode(NODES.helloWorker)!);
    expect(
      await screen.findByText('nothing: no image is built FROM it.'),
    ).toBeInTheDocument();
    expect(graphNode(NODES.helloWeb)).toHaveAttribute('data-highlight', 'none');
  });

  it('names the members of a cycle in an error panel', async () => {
    const api = apiWithGraph();
    api.graph = {
      ...graphFixture,
      edges: [
        ...graphFixture.edges,
        { from: NODES.helloApi, to: NODES.helloWeb },
      ],
      cycles: [[NODES.helloWeb, NODES.helloApi]],
    };
    await renderTab(api);

    expect(
      await screen.findByText(
        'Error: Dependency cycle: the images on it are not rebuilt',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Dependency cycles' })).getByText(
        `${NODES.helloWeb} → ${NODES.helloApi} → ${NODES.helloWeb}`,
      ),
    ).toBeInTheDocument();
  });

  it('shows the whole graph for an image not in it yet', async () => {
    const api = new InMemoryImageFactoryApi(emptyStatus);
    api.graph = graphFixture;
    await renderTab(api, watchedBaseImage);

    expect(
      await screen.findByText(
        'Warning: alpine-base is not in the dependency graph yet',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(nodeIds()).toHaveLength(graphFixture.nodes.length),
    );
  });

  it("shows the image's own broken source, never another image's", async () => {
    const api = apiWithGraph();
    api.graph = {
      ...graphFixture,
      sourceProblems: [
        {
          entityRef: 'image:default/python-runtime',
          imageName: 'python-runtime',
          message: 'Dockerfile: not found in acme/deleted on branch main',
        },
        {
          entityRef: 'image:default/hello-web',
          imageName: 'hello-web',
          message:
            'dockerfiles/hello-web/Dockerfile: not found in image-factory/examples on branch main',
        },
      ],
    };
    await renderTab(api, exampleImage('hello-web'));
    expect(
      await screen.findByText(
        "Error: The factory cannot read hello-web's source",
      ),
    ).toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'Source problems' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(
      within(list).getByText(
        'dockerfiles/hello-web/Dockerfile: not found in image-factory/examples on branch main',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/acme\/deleted/)).not.toBeInTheDocument();
  });

  it('shows no source panel on the page of an image whose source is fine', async () => {
    const api = apiWithGraph();
    api.graph = {
      ...graphFixture,
      sourceProblems: [
        {
          entityRef: 'image:default/python-runtime',
          imageName: 'python-runtime',
          message: 'Dockerfile: not found in acme/deleted on branch main',
        },
      ],
    };
    await renderTab(api, exampleImage('hello-web'));
    await waitFor(() => expect(nodeIds().length).toBeGreaterThan(0));
    expect(screen.queryByText(/cannot read/)).not.toBeInTheDocument();
    expect(screen.queryByText(/acme\/deleted/)).not.toBeInTheDocument();
  });
});
