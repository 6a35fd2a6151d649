import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  Enrollment,
  parseWheelsFile,
} from '@image-factory/plugin-image-factory-common';
import { parse } from 'yaml';
import {
  EXAMPLE_WHEELS_YAML,
  ImageFactoryUnderTest,
  OWNER,
  REPO,
  startImageFactory,
} from '../__testUtils__/startImageFactory';
import { createEnrollWheelSetAction, WHEEL_SET_FIELDS } from './enrollWheelSet';

jest.setTimeout(60_000);

const JANE = 'user:default/jane';

/** The input a template passes for a set of jane's team. */
const NUMERIC = {
  name: 'numeric',
  owner: 'group:default/team-web',
  description: 'msgpack for the web images',
  requirements: ['msgpack==1.0.3'],
  targets: [{ python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] }],
  builder: 'wheel-builder',
  upstream: 'http://127.0.0.1:7011/simple/',
  reason: 'msgpack compiles on every s390x install.',
};

type Input = Parameters<
  ReturnType<typeof createEnrollWheelSetAction>['handler']
>[0]['input'];

/** A task run by jane, as the scaffolder would hand it to the action. */
function contextFor(
  input: Record<string, unknown>,
  options: { isDryRun?: boolean } = {},
) {
  const ctx = createMockActionContext({
    input: input as Input,
    logger: mockServices.logger.mock(),
  });
  return {
    ...ctx,
    isDryRun: options.isDryRun,
    getInitiatorCredentials: async () => mockCredentials.user(JANE),
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

describe('image-factory:enroll-wheel-set against the Image Factory backend', () => {
  let factory: ImageFactoryUnderTest;
  let action: ReturnType<typeof createEnrollWheelSetAction>;

  beforeAll(async () => {
    factory = await startImageFactory({ wheelSets: true });
    action = createEnrollWheelSetAction({
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

  const readWheels = (ref: string) =>
    factory.github.readFile(OWNER, REPO, ref, 'wheels.yaml');

  const branches = () => factory.github.listBranches(OWNER, REPO);

  it('opens a pull request against wheels.yaml on behalf of the user who runs the template', async () => {
    const ctx = contextFor(NUMERIC);
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
      `Opened a pull request to enroll the wheel set: ${outputs.pullRequestUrl}`,
      expect.objectContaining({ wheelSet: 'numeric' }),
    );

    // The backend saw jane, not the scaffolder: the token was on her behalf.
    const stored = await enrollment(outputs.enrollmentId);
    expect(stored).toMatchObject({
      action: 'enroll',
      subject: 'wheel-set',
      imageName: 'numeric',
      state: 'open',
      requestedBy: JANE,
      reason: 'msgpack compiles on every s390x install.',
      pullRequest: { number: outputs.pullRequestNumber },
    });

    // The pull request adds the set as given, after the example's sets and
    // comments; main waits for the review.
    const proposed = await readWheels(stored.pullRequest.branch);
    expect(proposed).toBeDefined();
    expect(proposed!.startsWith(EXAMPLE_WHEELS_YAML.trimEnd())).toBe(true);
    expect(parseWheelsFile(proposed!).issues).toEqual([]);
    const { reason: _reason, ...set } = NUMERIC;
    expect(parse(proposed!).wheelSets.at(-1)).toEqual(set);
    expect(await readWheels('main')).toBe(EXAMPLE_WHEELS_YAML);
  });

  it('returns the open pull request when the same set is asked for again', async () => {
    const first = contextFor({ ...NUMERIC, name: 'numeric-again' });
    await action.handler(first);
    const again = contextFor({ ...NUMERIC, name: 'numeric-again' });
    await action.handler(again);

    expect(outputsOf(again)).toEqual({ ...outputsOf(first), reused: true });
    expect(again.logger.info).toHaveBeenCalledWith(
      `A pull request for this wheel set was already open: ${
        outputsOf(first).pullRequestUrl
      }`,
      expect.anything(),
    );
  });

  it('writes the default builder and leaves out the fields a form left empty', async () => {
    const ctx = contextFor({
      name: 'markup',
      owner: 'team-web',
      title: '',
      description: '  ',
      requirements: ['MarkupSafe>=2.1,<3'],
      requirementsFile: {},
      targets: [{ python: 'cp311', platforms: ['linux/amd64'] }],
      builder: '',
      upstream: '',
      hints: [],
    });
    await action.handler(ctx);
    const stored = await enrollment(outputsOf(ctx).enrollmentId);
    expect(
      parse((await readWheels(stored.pullRequest.branch))!).wheelSets.at(-1),
    ).toEqual({
      name: 'markup',
      owner: 'team-web',
      requirements: ['MarkupSafe>=2.1,<3'],
      targets: [{ python: 'cp311', platforms: ['linux/amd64'] }],
      builder: 'wheel-builder',
    });
  });

  it("fails with the backend's message naming the platform no builder builds, and opens nothing", async () => {
    const error = await rejection(
      action.handler(
        contextFor({
          ...NUMERIC,
          name: 'numeric-arm',
          targets: [
            { python: 'cp311', platforms: ['linux/amd64', 'linux/arm64'] },
          ],
        }),
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /^Invalid request body: set\.targets\[0\]\.platforms\[1\]: the refinery has no builder for linux\/arm64 /,
    );
    expect(error.cause).toMatchObject({ statusCode: 400 });
    expect(await branches()).not.toContain(
      'image-factory/wheel-set-enroll-numeric-arm',
    );
  });

  it("fails with the backend's message when the user is not in the set's owner", async () => {
    const error = await rejection(
      action.handler(
        contextFor({ ...NUMERIC, name: 'not-mine', owner: 'platform-team' }),
      ),
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toMatch(/group:default\/platform-team/);
    expect(error.cause).toMatchObject({ statusCode: 403 });
    expect(await branches()).not.toContain(
      'image-factory/wheel-set-enroll-not-mine',
    );
  });

  it("fails with the backend's message when the set already exists", async () => {
    const error = await rejection(
      action.handler(contextFor({ ...NUMERIC, name: 'web-templating' })),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain(
      "a wheel set named 'web-templating' already exists",
    );
  });

  it('made only requests that GitHub accepts', () => {
    expect(factory.github.violations()).toEqual([]);
  });
});

describe('image-factory:enroll-wheel-set when the factory has no wheels.yaml to enroll into', () => {
  let factory: ImageFactoryUnderTest;
  beforeAll(async () => {
    factory = await startImageFactory();
  });
  afterAll(() => factory?.stop());

  it('fails saying which setting is missing, and opens nothing', async () => {
    const action = createEnrollWheelSetAction({
      discovery: factory.discovery,
      auth: mockServices.auth(),
    });
    const error = await rejection(action.handler(contextFor(NUMERIC)));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Wheel sets are not enrolled by pull request here: set imageFactory.refinery.wheels.location to the URL of wheels.yaml in ${OWNER}/${REPO} on main (the repository of images.yaml)`,
    );
    expect(error.cause).toMatchObject({ statusCode: 503 });
    expect(await factory.github.listBranches(OWNER, REPO)).toEqual(['main']);
  });
});

describe('image-factory:enroll-wheel-set input validation', () => {
  /** An action whose backend must not be reached. */
  function offlineAction() {
    const discovery = {
      getBaseUrl: jest.fn(async () => 'http://127.0.0.1:1/api/image-factory'),
      getExternalBaseUrl: jest.fn(),
    };
    const auth = mockServices.auth.mock();
    return {
      action: createEnrollWheelSetAction({ discovery, auth }),
      expectNoCall() {
        expect(discovery.getBaseUrl).not.toHaveBeenCalled();
        expect(auth.getPluginRequestToken).not.toHaveBeenCalled();
      },
    };
  }

  it('has the id and examples templates use', () => {
    const { action } = offlineAction();
    expect(action.id).toBe('image-factory:enroll-wheel-set');
    expect(action.supportsDryRun).toBe(true);
    expect(action.examples?.length).toBeGreaterThan(0);
  });

  it('refuses a bad requirement naming it, and asks nothing of the backend', async () => {
    const { action, expectNoCall } = offlineAction();
    const ctx = contextFor({
      ...NUMERIC,
      requirements: ['msgpack=1.0', 'cffi'],
    });
    const error = await rejection(action.handler(ctx));
    expect(error).toBeInstanceOf(InputError);
    // Only the bad one is named; cffi (any version) is fine.
    expect(error.message).toBe(
      "Invalid wheel set: requirements[0]: 'msgpack=1.0': '=1.0' is not a version specifier such as '>=1.2' or '==2.1.*'",
    );
    expect(ctx.output).not.toHaveBeenCalled();
    expectNoCall();
  });

  it('names every invalid field, the way wheels.yaml is checked', async () => {
    const { action, expectNoCall } = offlineAction();
    const error = await rejection(
      action.handler(
        contextFor({
          ...NUMERIC,
          name: 'Numeric_Set',
          targets: [
            { python: '3.11', platforms: ['linux/amd64'] },
            { python: 'cp311', platforms: ['linux/amd64'] },
          ],
          upstream: 'ftp://mirror.example.com/simple/',
          timeout: 'forever',
        }),
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    const fields = error.message
      .replace(/^Invalid wheel set: /, '')
      .split('; ')
      .map(part => part.split(':')[0]);
    expect(fields).toEqual([
      'name',
      'targets[0].python',
      'upstream',
      'timeout',
    ]);
    expect(error.message).toContain(
      "targets[0].python: must be a CPython tag such as 'cp311'",
    );
    expectNoCall();
  });

  it('refuses an empty platform selection, no targets and no requirements', async () => {
    const { action, expectNoCall } = offlineAction();
    await expect(
      action.handler(
        contextFor({
          ...NUMERIC,
          targets: [{ python: 'cp311', platforms: [] }],
        }),
      ),
    ).rejects.toThrow(
      'Invalid wheel set: targets[0].platforms: must list at least one platform',
    );
    await expect(
      action.handler(contextFor({ ...NUMERIC, targets: [] })),
    ).rejects.toThrow(
      'Invalid wheel set: targets: must list at least one target',
    );
    await expect(
      action.handler(contextFor({ ...NUMERIC, requirements: [] })),
    ).rejects.toThrow(
      'Invalid wheel set: requirements: must have requirements, a requirementsFile, or both',
    );
    expectNoCall();
  });

  it('passes hints and a requirements file on, checked like wheels.yaml checks them', async () => {
    const { action, expectNoCall } = offlineAction();
    await action.handler(
      contextFor(
        {
          ...NUMERIC,
          requirements: undefined,
          requirementsFile: { repo: 'acme/web', path: 'requirements.txt' },
          hints: [{ project: 'cffi', debianPackages: ['libffi-dev'] }],
        },
        { isDryRun: true },
      ),
    );
    await expect(
      action.handler(
        contextFor(
          {
            ...NUMERIC,
            requirementsFile: { repo: 'acme/web', path: '../outside.txt' },
            hints: [{ project: 'cffi' }],
          },
          { isDryRun: true },
        ),
      ),
    ).rejects.toThrow(
      'Invalid wheel set: requirementsFile.path: must be a relative path inside the repository; hints[0]: must add something: debianPackages, env or configSettings',
    );
    expectNoCall();
  });

  it('offers every field of a wheels.yaml set as input', () => {
    const { action } = offlineAction();
    const input = action.schema?.input as {
      properties: Record<string, { description?: string }>;
      required?: string[];
    };
    expect(Object.keys(input.properties)).toEqual([
      ...WHEEL_SET_FIELDS,
      'reason',
    ]);
    for (const [name, property] of Object.entries(input.properties)) {
      expect([name, property.description]).toEqual([name, expect.any(String)]);
    }
    expect(input.required).toEqual(['name', 'owner', 'targets']);
  });

  it('validates in a dry run without opening a pull request', async () => {
    const { action, expectNoCall } = offlineAction();
    const ctx = contextFor(NUMERIC, { isDryRun: true });
    await action.handler(ctx);
    expect(outputsOf(ctx)).toEqual({
      pullRequestUrl: '',
      pullRequestNumber: 0,
      enrollmentId: 'dry-run',
      reused: false,
    });
    expectNoCall();
  });
});
