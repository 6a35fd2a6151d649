import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { createValidateImageAction } from './validateImage';

/** An `image` input as a template would pass it. */
type ImageInput = Record<string, any>;

const managed = {
  name: 'hello-web',
  type: 'managed',
  owner: 'team-web',
  reference: 'localhost:5000/apps/hello-web',
  source: { repo: 'image-factory/examples' },
};

async function run(image: ImageInput, options: { isDryRun?: boolean } = {}) {
  const action = createValidateImageAction();
  const ctx = createMockActionContext({
    input: { image },
    logger: mockServices.logger.mock(),
  });
  await action.handler({ ...ctx, ...options });
  const outputs = Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [name, value]),
  );
  return { outputs, ctx };
}

async function rejection(image: ImageInput): Promise<Error> {
  try {
    await run(image);
  } catch (e) {
    return e as Error;
  }
  throw new Error('the action accepted the image');
}

describe('image-factory:validate', () => {
  it('has the id and schema templates use', () => {
    const action = createValidateImageAction();
    expect(action.id).toBe('image-factory:validate');
    expect(action.supportsDryRun).toBe(true);
    expect(action.examples?.length).toBeGreaterThan(0);
  });

  it('outputs the canonical reference and the entry with defaults applied', async () => {
    const { outputs } = await run(managed);

    expect(outputs.reference).toBe('localhost:5000/apps/hello-web');
    expect(parse(outputs.yaml)).toEqual({
      name: 'hello-web',
      type: 'managed',
      owner: 'team-web',
      reference: 'localhost:5000/apps/hello-web',
      platforms: ['linux/amd64'],
      source: {
        provider: 'github',
        repo: 'image-factory/examples',
        branch: 'main',
        dockerfile: 'Dockerfile',
        context: '.',
      },
    });
  });

  it('fills in the rebuild policy defaults', async () => {
    const { outputs } = await run({ ...managed, rebuild: { delay: '2d' } });
    expect(parse(outputs.yaml).rebuild).toEqual({
      auto: true,
      delay: '2d',
      coalesceWindow: '30m',
    });
  });

  it('normalises a short Docker Hub reference', async () => {
    const { outputs } = await run({
      name: 'nginx',
      type: 'external',
      owner: 'platform-team',
      reference: 'nginx:1.27',
    });
    expect(outputs.reference).toBe('docker.io/library/nginx:1.27');
    // The entry keeps the reference as written; only the output is canonical.
    expect(parse(outputs.yaml).reference).toBe('nginx:1.27');
  });

  it('logs the valid image with its facts in the metadata', async () => {
    const { ctx } = await run(managed);
    expect(ctx.logger.info).toHaveBeenCalledWith('Image entry is valid', {
      name: 'hello-web',
      reference: 'localhost:5000/apps/hello-web',
    });
  });

  it('validates the same way in a dry run', async () => {
    const { outputs } = await run(managed, { isDryRun: true });
    expect(outputs.reference).toBe('localhost:5000/apps/hello-web');
    await expect(
      run(
        {
          ...managed,
          source: { ...managed.source, dockerfile: '/etc/passwd' },
        },
        { isDryRun: true },
      ),
    ).rejects.toThrow('image.source.dockerfile');
  });

  it('rejects a Dockerfile outside the repository with an InputError naming the field', async () => {
    const error = await rejection({
      ...managed,
      source: { ...managed.source, dockerfile: '../../x' },
    });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Invalid image: image.source.dockerfile: must be a relative path inside the repository',
    );
  });

  it('names every invalid field, joined by "; "', async () => {
    const error = await rejection({
      ...managed,
      name: 'Hello_Web',
      platforms: ['linux/amd64', 'windows/amd64'],
      source: { repo: 'image-factory/examples', context: '/abs' },
    });
    expect(error).toBeInstanceOf(InputError);
    const parts = error.message.replace(/^Invalid image: /, '').split('; ');
    expect(parts.map(p => p.split(':')[0])).toEqual([
      'image.name',
      'image.platforms[1]',
      'image.source.context',
    ]);
    expect(parts).toContain(
      'image.source.context: must be a relative path inside the repository',
    );
  });

  it('names a cross-field rule once the fields themselves are valid', async () => {
    const { source: _source, ...withoutSource } = managed;
    const error = await rejection(withoutSource);
    expect(error.message).toBe(
      'Invalid image: image.source: is required for a managed image',
    );
  });

  it('names a required field that is missing', async () => {
    const { owner: _owner, ...withoutOwner } = managed;
    const error = await rejection(withoutOwner);
    expect(error.message).toBe('Invalid image: image.owner: is required');
  });

  it('keeps the brackets of a key that needs quoting', async () => {
    const error = await rejection({ ...managed, 'build-args': { A: '1' } });
    expect(error.message).toBe(
      'Invalid image: image["build-args"]: is not a known field',
    );
  });

  it('outputs nothing for an invalid image', async () => {
    const action = createValidateImageAction();
    const ctx = createMockActionContext({
      input: { image: { ...managed, type: 'sideloaded' } },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /^Invalid image: image\.type: /,
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
