import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  Enrollment,
  parseImagesFile,
  imageEntryFields,
} from '@image-factory/plugin-image-factory-common';
import { parse } from 'yaml';
import {
  EXAMPLE_IMAGES_YAML,
  ImageFactoryUnderTest,
  OWNER,
  REPO,
  startImageFactory,
} from '../__testUtils__/startImageFactory';
import { createEnrollImageAction } from './enrollImage';

jest.setTimeout(60_000);

const JANE = 'user:default/jane';

/** The input a template passes for a managed image of jane's team. */
const WEB_API = {
  name: 'web-api',
  type: 'managed' as const,
  owner: 'group:default/team-web',
  title: 'Web API',
  reference: 'localhost:5000/apps/web-api',
  platforms: ['linux/amd64' as const, 'linux/s390x' as const],
  source: { repo: 'acme/web-api', dockerfile: 'docker/Dockerfile' },
  rebuild: { delay: '1h' },
  stages: ['dev', 'prod'],
  reason: 'The web API moves to the factory.',
};

type Input = Parameters<
  ReturnType<typeof createEnrollImageAction>['handler']
>[0]['input'];

/** A task run by `initiator`, as the scaffolder would hand it to the action. */
function contextFor(
  input: Record<string, unknown>,
  options: { initiator?: string; isDryRun?: boolean } = {},
) {
  const ctx = createMockActionContext({
    input: input as Input,
    logger: mockServices.logger.mock(),
  });
  return {
    ...ctx,
    isDryRun: options.isDryRun,
    getInitiatorCredentials: async () =>
      mockCredentials.user(options.initiator ?? JANE),
  };
}

function outputsOf(ctx: ReturnType<typeof contextFor>) {
  return Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [name, value]),
  );
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the action succeeded');
}

describe('image-factory:enroll against the Image Factory backend', () => {
  let factory: ImageFactoryUnderTest;
  let action: ReturnType<typeof createEnrollImageAction>;

  beforeAll(async () => {
    factory = await startImageFactory();
    action = createEnrollImageAction({
      discovery: factory.discovery,
      auth: mockServices.auth(),
    });
  });
  afterAll(() => factory?.stop());

  /** The change request as the backend stores it, read as jane. */
  async function enrollment(id: string): Promise<Enrollment> {
    const response = await fetch(
      `${await factory.discovery.getBaseUrl(
        'image-factory',
      )}/enrollments/${id}`,
      {
        headers: {
          Authorization: `Bearer ${mockCredentials.user.token(JANE)}`,
        },
      },
    );
    expect(response.status).toBe(200);
    return (await response.json()) as Enrollment;
  }

  const readMain = () =>
    factory.github.readFile(OWNER, REPO, 'main', 'images.yaml');

  /** images.yaml on the head branch of an enrollment's pull request. */
  async function readProposed(stored: Enrollment): Promise<string> {
    const text = await factory.github.readFile(
      OWNER,
      REPO,
      stored.pullRequest.branch,
      'images.yaml',
    );
    expect(text).toBeDefined();
    return text!;
  }

  it('opens a pull request on behalf of the user who runs the template', async () => {
    const ctx = contextFor(WEB_API);
    await action.handler(ctx);

    const outputs = outputsOf(ctx);
    expect(outputs).toEqual({
      pullRequestUrl: expect.stringMatching(
        new RegExp(`/${OWNER}/${REPO}/pull/${outputs.pullRequestNumber}$`),
      ),
      pullRequestNumber: expect.any(Number),
      enrollmentId: expect.any(String),
      reused: false,
    });
    expect(ctx.logger.info).toHaveBeenCalledWith(
      `Opened a pull request to enroll the image: ${outputs.pullRequestUrl}`,
      expect.objectContaining({ image: 'web-api' }),
    );

    // The backend saw jane, not the scaffolder: the token was on her behalf.
    const stored = await enrollment(outputs.enrollmentId);
    expect(stored).toMatchObject({
      action: 'enroll',
      imageName: 'web-api',
      state: 'open',
      requestedBy: JANE,
      reason: 'The web API moves to the factory.',
      pullRequest: { number: outputs.pullRequestNumber },
    });

    // The pull request adds the entry as given; main waits for the review.
    const proposed = await readProposed(stored);
    const { reason: _reason, ...entry } = WEB_API;
    expect(parse(proposed).images.at(-1)).toEqual(entry);
    expect(proposed.startsWith(EXAMPLE_IMAGES_YAML)).toBe(true);
    expect(parseImagesFile(proposed).issues).toEqual([]);
    expect(await readMain()).toBe(EXAMPLE_IMAGES_YAML);
  });

  it('returns the open pull request when the same image is asked for again', async () => {
    const first = contextFor(WEB_API);
    await action.handler(first);
    const again = contextFor(WEB_API);
    await action.handler(again);

    expect(outputsOf(again)).toEqual({
      ...outputsOf(first),
      reused: true,
    });
    expect(again.logger.info).toHaveBeenCalledWith(
      `A pull request for this enrollment was already open: ${
        outputsOf(first).pullRequestUrl
      }`,
      expect.anything(),
    );
  });

  it('leaves out the fields a form left empty', async () => {
    const ctx = contextFor({
      name: 'alpine',
      type: 'external',
      owner: 'team-web',
      title: '',
      description: '  ',
      reference: 'docker.io/library/alpine:3.20',
      source: {},
      rebuild: {},
      buildArgs: {},
      stages: [],
    });
    await action.handler(ctx);
    const stored = await enrollment(outputsOf(ctx).enrollmentId);
    const proposed = await readProposed(stored);
    expect(proposed.slice(EXAMPLE_IMAGES_YAML.length)).toBe(
      [
        '',
        '  - name: alpine',
        '    type: external',
        '    owner: team-web',
        '    reference: docker.io/library/alpine:3.20',
        '',
      ].join('\n'),
    );
  });

  it("fails with the backend's message when the user does not own the image", async () => {
    const error = await rejection(
      action.handler(
        contextFor({ ...WEB_API, name: 'not-mine', owner: 'platform-team' }),
      ),
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toMatch(/group:default\/platform-team/);
    expect(error.message).not.toMatch(/^Request failed/);
    expect(error.cause).toMatchObject({ statusCode: 403 });
    expect(await factory.github.listBranches(OWNER, REPO)).not.toContain(
      'image-factory/enroll-not-mine',
    );
  });

  it("fails with the backend's message when the image is already enrolled", async () => {
    const error = await rejection(
      action.handler(contextFor({ ...WEB_API, name: 'hello-web' })),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(
      /images\[3\]\.name: an image named 'hello-web' already exists/,
    );
  });

  it("fails with the backend's field when the source does not exist, and opens nothing", async () => {
    const error = await rejection(
      action.handler(
        contextFor({
          ...WEB_API,
          name: 'no-dockerfile',
          reference: 'localhost:5000/apps/no-dockerfile',
          source: { repo: 'acme/web-api', dockerfile: 'moved/Dockerfile' },
        }),
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'The image cannot be built as proposed: image.source.dockerfile: moved/Dockerfile does not exist in acme/web-api on branch main',
    );
    expect(await factory.github.listBranches(OWNER, REPO)).not.toContain(
      'image-factory/enroll-no-dockerfile',
    );
  });

  it('enrolls platforms no executor builds only when acceptUnbuiltPlatforms confirms them', async () => {
    const input = {
      ...WEB_API,
      name: 'web-api-ppc',
      reference: 'localhost:5000/apps/web-api-ppc',
      platforms: ['linux/amd64' as const, 'linux/ppc64le' as const],
    };
    const error = await rejection(action.handler(contextFor(input)));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      'image.platforms[1]: no executor builds linux/ppc64le yet',
    );

    const ctx = contextFor({ ...input, acceptUnbuiltPlatforms: true });
    await action.handler(ctx);
    expect(outputsOf(ctx).reused).toBe(false);
    expect(await factory.github.listBranches(OWNER, REPO)).toContain(
      'image-factory/enroll-web-api-ppc',
    );
  });

  it('made only requests that GitHub accepts', () => {
    expect(factory.github.violations()).toEqual([]);
  });
});

describe('image-factory:enroll input validation', () => {
  /** An action whose backend must not be reached. */
  function offlineAction() {
    const discovery = {
      getBaseUrl: jest.fn(async () => 'http://127.0.0.1:1/api/image-factory'),
      getExternalBaseUrl: jest.fn(),
    };
    const auth = mockServices.auth.mock();
    return {
      action: createEnrollImageAction({ discovery, auth }),
      expectNoCall() {
        expect(discovery.getBaseUrl).not.toHaveBeenCalled();
        expect(auth.getPluginRequestToken).not.toHaveBeenCalled();
      },
    };
  }

  it('has the id and examples templates use', () => {
    const { action } = offlineAction();
    expect(action.id).toBe('image-factory:enroll');
    expect(action.supportsDryRun).toBe(true);
    expect(action.examples?.length).toBeGreaterThan(0);
  });

  it('names every invalid field and asks nothing of the backend', async () => {
    const { action, expectNoCall } = offlineAction();
    const ctx = contextFor({
      ...WEB_API,
      name: 'Web_API',
      platforms: ['linux/amd64', 'linux/amd64'],
      source: { repo: 'acme/web-api', dockerfile: '../outside/Dockerfile' },
      rebuild: { delay: 'soon' },
    });
    const error = await rejection(action.handler(ctx));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Invalid image: /);
    const fields = error.message
      .replace(/^Invalid image: /, '')
      .split('; ')
      .map(part => part.split(':')[0]);
    expect(fields).toEqual([
      'name',
      'source.dockerfile',
      'rebuild.delay',
      'platforms',
    ]);
    expect(error.message).toContain(
      'source.dockerfile: must be a relative path inside the repository',
    );
    expect(ctx.output).not.toHaveBeenCalled();
    expectNoCall();
  });

  it('refuses a managed image without a source', async () => {
    const { action, expectNoCall } = offlineAction();
    const { source: _source, ...withoutSource } = WEB_API;
    await expect(
      action.handler(contextFor({ ...withoutSource, source: {} })),
    ).rejects.toThrow('Invalid image: source: is required for a managed image');
    expectNoCall();
  });

  it('refuses an empty platform selection rather than using the default', async () => {
    const { action } = offlineAction();
    await expect(
      action.handler(contextFor({ ...WEB_API, platforms: [] })),
    ).rejects.toThrow(
      'Invalid image: platforms: must list at least one platform',
    );
  });

  it('offers every field of an images.yaml entry as input, watch and retention included', () => {
    const { action } = offlineAction();
    const input = action.schema?.input as {
      properties: Record<
        string,
        { description?: string; properties?: Record<string, unknown> }
      >;
      required?: string[];
    };
    expect(Object.keys(input.properties)).toEqual(
      expect.arrayContaining(imageEntryFields().map(f => f.name)),
    );
    expect(Object.keys(input.properties.watch.properties ?? {})).toEqual([
      'interval',
    ]);
    expect(Object.keys(input.properties.retention.properties ?? {})).toEqual([
      'keep',
    ]);
    expect(input.properties.retention.description).toBe(
      imageEntryFields().find(f => f.name === 'retention')?.description,
    );
    expect(input.required).toEqual(['name', 'type', 'owner', 'reference']);
  });

  it('passes watch and retention on, checked like images.yaml checks them', async () => {
    const { action, expectNoCall } = offlineAction();
    await action.handler(
      contextFor(
        { ...WEB_API, watch: { interval: '6h' }, retention: { keep: 5 } },
        { isDryRun: true },
      ),
    );
    await expect(
      action.handler(
        contextFor(
          { ...WEB_API, watch: { interval: 'often' }, retention: { keep: 0 } },
          { isDryRun: true },
        ),
      ),
    ).rejects.toThrow(
      "Invalid image: watch.interval: must be a duration such as '30m', '6h', '2d' or '1h30m'; retention.keep: must keep at least the current build",
    );
    expectNoCall();
  });

  it('validates in a dry run without opening a pull request', async () => {
    const { action, expectNoCall } = offlineAction();
    const ctx = contextFor(WEB_API, { isDryRun: true });
    await action.handler(ctx);
    expect(outputsOf(ctx)).toEqual({
      pullRequestUrl: '',
      pullRequestNumber: 0,
      enrollmentId: 'dry-run',
      reused: false,
    });
    await expect(
      action.handler(
        contextFor({ ...WEB_API, type: 'sideloaded' }, { isDryRun: true }),
      ),
    ).rejects.toThrow(/^Invalid image: type: must be one of/);
    expectNoCall();
  });
});
