import { readFileSync } from 'fs';
import path from 'path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  TemplateEntityV1beta3,
  templateEntityV1beta3Validator,
} from '@backstage/plugin-scaffolder-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parseImagesFile } from '@image-factory/plugin-image-factory-common';
import { retrieveSchema, RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { Schema, validate as validateJsonSchema } from 'jsonschema';
import { createTemplateRenderer } from 'nunjitsu';
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

const template = parse(
  readFileSync(
    path.resolve(
      __dirname,
      '../../../../examples/templates/enroll-image/template.yaml',
    ),
    'utf8',
  ),
) as TemplateEntityV1beta3;
const pages = [template.spec.parameters ?? []].flat() as RJSFSchema[];
const page = (title: string) => {
  const found = pages.find(p => p.title === title);
  if (!found) throw new Error(`no page '${title}'`);
  return found;
};

/** The schema the form renders: the scaffolder moves `ui:*` keys to the uiSchema. */
function withoutUiKeys(value: unknown): any {
  if (Array.isArray(value)) return value.map(withoutUiKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith('ui:'))
        .map(([key, v]) => [key, withoutUiKeys(v)]),
    );
  }
  return value;
}

/** The fields a page shows for the values entered so far (all pages share them). */
function fieldsShown(title: string, formData: Record<string, unknown>) {
  const schema = retrieveSchema(
    validator,
    withoutUiKeys(page(title)),
    undefined,
    formData,
  );
  return Object.keys(schema.properties ?? {});
}

/**
 * The fields the form marks as wrong on a page before it lets the user go on.
 * (Besides, a failed `if`/`then` adds 'must match "then" schema' to the list
 * at the top of the page.)
 */
function formErrors(title: string, formData: Record<string, unknown>) {
  return validator
    .validateFormData(formData, withoutUiKeys(page(title)))
    .errors.filter(e => e.name !== 'if')
    .map(e => e.property);
}

/** What the scaffolder backend checks when the task is created. */
function backendAccepts(values: Record<string, unknown>) {
  return pages.every(p => validateJsonSchema(values, p).valid);
}

/** Renders like the scaffolder's workflow runner: each string on its own. */
function render(value: unknown, context: Record<string, unknown>): any {
  const renderer = createTemplateRenderer({ allowRegexExecution: true });
  return JSON.parse(JSON.stringify(value), (_key, v) => {
    if (typeof v !== 'string') return v;
    try {
      return renderer.renderValue(v, context as any);
    } catch {
      return v;
    }
  });
}

/** What a user enters for a managed image of their team. */
const MANAGED = {
  name: 'web-api',
  owner: 'group:default/team-web',
  type: 'managed',
  title: 'Web API',
  reference: 'localhost:5000/apps/web-api',
  reason: 'The web API moves to the factory.',
  source: { repo: 'acme/web-api', dockerfile: 'docker/Dockerfile' },
  platforms: ['linux/amd64', 'linux/s390x'],
  rebuild: { auto: true, delay: '1h' },
  stages: ['dev', 'prod'],
};

/** An external image, with a source left over from before the type changed. */
const EXTERNAL = {
  name: 'alpine',
  owner: 'group:default/team-web',
  type: 'external',
  reference: 'docker.io/library/alpine:3.20',
  source: { repo: 'acme/typed-before' },
  platforms: ['linux/amd64', 'linux/arm64'],
  rebuild: { auto: true },
};

describe('the template "Enroll a container image"', () => {
  it('is a valid v1beta3 template whose step input the action takes', async () => {
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
    expect(template.metadata.title).toBe('Enroll a container image');
    expect(pages.map(p => p.title)).toEqual([
      'Image',
      'Source',
      'Platforms',
      'Rebuild policy',
      'Stages',
    ]);
    const [step] = template.spec.steps;
    expect(step.action).toBe('image-factory:enroll');
    const action = createEnrollImageAction({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    });
    const inputs = Object.keys(
      (action.schema?.input as { properties: object }).properties,
    );
    expect(inputs).toEqual(expect.arrayContaining(Object.keys(step.input!)));
  });

  it('picks the owner among groups', () => {
    expect(page('Image').properties!.owner).toMatchObject({
      'ui:field': 'OwnerPicker',
      'ui:options': { catalogFilter: { kind: 'Group' } },
    });
  });

  it('shows the source for managed and base images only', () => {
    expect(fieldsShown('Source', { type: 'managed' })).toEqual(['source']);
    expect(fieldsShown('Source', { type: 'base' })).toEqual(['source']);
    expect(fieldsShown('Source', { type: 'external' })).toEqual([]);
  });

  it('requires a repository for managed images only', () => {
    expect(formErrors('Source', { type: 'managed', source: {} })).toEqual([
      '.source.repo',
    ]);
    expect(formErrors('Source', { type: 'managed' })).toEqual(['source']);
    expect(formErrors('Source', { type: 'base', source: {} })).toEqual([]);
    expect(formErrors('Source', { type: 'external' })).toEqual([]);
  });

  it('lists the platforms as checkboxes, at least one', () => {
    expect(page('Platforms').properties!.platforms).toMatchObject({
      'ui:widget': 'checkboxes',
      items: { enum: ['linux/amd64', 'linux/arm64', 'linux/s390x'] },
    });
    expect(formErrors('Platforms', { platforms: [] })).toEqual(['.platforms']);
  });

  it('checks names and durations as images.yaml does', () => {
    expect(formErrors('Image', { ...MANAGED, name: 'Web_API' })).toEqual([
      '.name',
    ]);
    expect(
      formErrors('Rebuild policy', { rebuild: { delay: 'an hour' } }),
    ).toEqual(['.rebuild.delay']);
  });

  it('passes the checks of the scaffolder backend', () => {
    expect(backendAccepts(MANAGED)).toBe(true);
    expect(backendAccepts({ ...EXTERNAL, source: undefined })).toBe(true);
    expect(backendAccepts({ ...MANAGED, source: undefined })).toBe(false);
    expect(backendAccepts({ ...MANAGED, owner: undefined })).toBe(false);
  });

  describe('run against the Image Factory', () => {
    let factory: ImageFactoryUnderTest;
    beforeAll(async () => {
      factory = await startImageFactory();
    });
    afterAll(() => factory?.stop());

    /** Runs the template's step with `parameters`, as jane. */
    async function run(parameters: Record<string, unknown>) {
      const [step] = template.spec.steps;
      const input = render(step.input, { parameters });
      const action = createEnrollImageAction({
        discovery: factory.discovery,
        auth: mockServices.auth(),
      });
      // The scaffolder checks the rendered input against the action's schema first.
      expect(
        validateJsonSchema(input, action.schema!.input as Schema).errors,
      ).toEqual([]);
      const ctx = {
        ...createMockActionContext({ input }),
        getInitiatorCredentials: async () =>
          mockCredentials.user('user:default/jane'),
      };
      await action.handler(ctx);
      const output = Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
      );
      const rendered = render(template.spec.output, {
        parameters,
        steps: { enroll: { output } },
      });
      return { input, output, rendered };
    }

    async function proposedEntry(name: string) {
      const text = await factory.github.readFile(
        OWNER,
        REPO,
        `image-factory/enroll-${name}`,
        'images.yaml',
      );
      expect(text?.startsWith(EXAMPLE_IMAGES_YAML)).toBe(true);
      expect(parseImagesFile(text!).issues).toEqual([]);
      return parse(text!).images.at(-1);
    }

    it('opens the pull request and links it', async () => {
      const { output, rendered } = await run(MANAGED);

      expect(rendered.links).toEqual([
        { title: 'Pull request', url: output.pullRequestUrl },
      ]);
      expect(rendered.text[0].content).toBe(
        `Opened a pull request to enroll **web-api** (#${output.pullRequestNumber}). The image is enrolled when a reviewer merges it.`,
      );
      const { reason: _reason, ...entry } = MANAGED;
      expect(await proposedEntry('web-api')).toEqual(entry);
    });

    it('leaves out the source of an external image and the fields left empty', async () => {
      const { input } = await run(EXTERNAL);

      expect(input.source).toBeUndefined();
      expect(await proposedEntry('alpine')).toEqual({
        name: 'alpine',
        type: 'external',
        owner: 'group:default/team-web',
        reference: 'docker.io/library/alpine:3.20',
        platforms: ['linux/amd64', 'linux/arm64'],
        rebuild: { auto: true },
      });
    });

    it('made only requests that GitHub accepts', () => {
      expect(factory.github.violations()).toEqual([]);
    });
  });
});
