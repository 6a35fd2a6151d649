import { readFileSync } from 'fs';
import path from 'path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  TemplateEntityV1beta3,
  templateEntityV1beta3Validator,
} from '@backstage/plugin-scaffolder-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parseWheelsFile } from '@image-factory/plugin-image-factory-common';
import { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { Schema, validate as validateJsonSchema } from 'jsonschema';
import { createTemplateRenderer } from 'nunjitsu';
import { parse } from 'yaml';
import {
  EXAMPLE_WHEELS_YAML,
  ImageFactoryUnderTest,
  OWNER,
  REPO,
  startImageFactory,
} from '../__testUtils__/startImageFactory';
import { createEnrollWheelSetAction } from './enrollWheelSet';

jest.setTimeout(60_000);

const template = parse(
  readFileSync(
    path.resolve(
      __dirname,
      '../../../../examples/templates/enroll-wheel-set/template.yaml',
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

/** The fields the form marks as wrong on a page before it lets the user go on. */
function formErrors(title: string, formData: Record<string, unknown>) {
  return validator
    .validateFormData(formData, withoutUiKeys(page(title)))
    .errors.map(e => e.property);
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

/** What a user enters for a set of their team. */
const NUMERIC = {
  name: 'numeric',
  owner: 'group:default/team-web',
  description: 'msgpack for the web images',
  reason: 'msgpack compiles on every s390x install.',
  requirements: ['msgpack==1.0.3'],
  python: 'cp311',
  platforms: ['linux/amd64', 'linux/s390x'],
  builder: 'wheel-builder',
  upstream: 'http://127.0.0.1:7011/simple/',
};

describe('the template "Enroll a wheel set"', () => {
  it('is a valid v1beta3 template whose step input the action takes', async () => {
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
    expect(template.metadata.title).toBe('Enroll a wheel set');
    expect(pages.map(p => p.title)).toEqual([
      'Wheel set',
      'Requirements',
      'Targets',
      'Build',
    ]);
    const [step] = template.spec.steps;
    expect(step.action).toBe('image-factory:enroll-wheel-set');
    const action = createEnrollWheelSetAction({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    });
    const inputs = Object.keys(
      (action.schema?.input as { properties: object }).properties,
    );
    expect(inputs).toEqual(expect.arrayContaining(Object.keys(step.input!)));
  });

  it('picks the owner among groups and users', () => {
    expect(page('Wheel set').properties!.owner).toMatchObject({
      'ui:field': 'OwnerPicker',
      'ui:options': { catalogFilter: { kind: ['Group', 'User'] } },
    });
  });

  it('lists the platforms as checkboxes, at least one', () => {
    expect(page('Targets').properties!.platforms).toMatchObject({
      'ui:widget': 'checkboxes',
      items: { enum: ['linux/amd64', 'linux/arm64', 'linux/s390x'] },
    });
    expect(formErrors('Targets', { python: 'cp311', platforms: [] })).toEqual([
      '.platforms',
    ]);
  });

  it('checks names, the Python tag, the builder and the upstream as wheels.yaml does', () => {
    expect(formErrors('Wheel set', { ...NUMERIC, name: 'Numeric' })).toEqual([
      '.name',
    ]);
    expect(formErrors('Targets', { ...NUMERIC, python: '3.11' })).toEqual([
      '.python',
    ]);
    expect(formErrors('Build', { builder: 'Wheel Builder' })).toEqual([
      '.builder',
    ]);
    expect(
      formErrors('Build', { upstream: 'ftp://mirror.example.com/' }),
    ).toEqual(['.upstream']);
  });

  it('asks for at least one requirement, none of them empty', () => {
    expect(formErrors('Requirements', { requirements: [] })).toEqual([
      '.requirements',
    ]);
    expect(formErrors('Requirements', { requirements: [''] })).toEqual([
      '.requirements.0',
    ]);
    expect(formErrors('Requirements', {})).toEqual(['requirements']);
  });

  it('offers the defaults the refinery uses', () => {
    expect(page('Targets').properties!.python).toMatchObject({
      default: 'cp311',
    });
    expect(page('Build').properties!.builder).toMatchObject({
      default: 'wheel-builder',
    });
  });

  it('passes the checks of the scaffolder backend', () => {
    expect(backendAccepts(NUMERIC)).toBe(true);
    expect(backendAccepts({ ...NUMERIC, requirements: undefined })).toBe(false);
    expect(backendAccepts({ ...NUMERIC, owner: undefined })).toBe(false);
    expect(backendAccepts({ ...NUMERIC, platforms: [] })).toBe(false);
  });

  describe('run against the Image Factory', () => {
    let factory: ImageFactoryUnderTest;
    beforeAll(async () => {
      factory = await startImageFactory({ wheelSets: true });
    });
    afterAll(() => factory?.stop());

    /** Runs the template's step with `parameters`, as jane. */
    async function run(parameters: Record<string, unknown>) {
      const [step] = template.spec.steps;
      const input = render(step.input, { parameters });
      const action = createEnrollWheelSetAction({
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

    async function proposedSet(name: string) {
      const text = await factory.github.readFile(
        OWNER,
        REPO,
        `image-factory/wheel-set-enroll-${name}`,
        'wheels.yaml',
      );
      expect(text?.startsWith(EXAMPLE_WHEELS_YAML.trimEnd())).toBe(true);
      expect(parseWheelsFile(text!).issues).toEqual([]);
      return parse(text!).wheelSets.at(-1);
    }

    it('opens the pull request and links it', async () => {
      const { output, rendered } = await run(NUMERIC);

      expect(rendered.links).toEqual([
        { title: 'Pull request', url: output.pullRequestUrl },
      ]);
      expect(rendered.text[0].content).toBe(
        `Opened a pull request to enroll the wheel set **numeric** (#${output.pullRequestNumber}). The set is enrolled when a reviewer merges it; then the Refinery page can run it.`,
      );
      expect(await proposedSet('numeric')).toEqual({
        name: 'numeric',
        owner: 'group:default/team-web',
        description: 'msgpack for the web images',
        requirements: ['msgpack==1.0.3'],
        targets: [
          { python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] },
        ],
        builder: 'wheel-builder',
        upstream: 'http://127.0.0.1:7011/simple/',
      });
    });

    it('leaves the fields left empty to the defaults of wheels.yaml', async () => {
      await run({
        name: 'markup',
        owner: 'group:default/team-web',
        requirements: ['MarkupSafe>=2.1,<3'],
        python: 'cp311',
        platforms: ['linux/s390x'],
        builder: 'wheel-builder',
      });
      expect(await proposedSet('markup')).toEqual({
        name: 'markup',
        owner: 'group:default/team-web',
        requirements: ['MarkupSafe>=2.1,<3'],
        targets: [{ python: 'cp311', platforms: ['linux/s390x'] }],
        builder: 'wheel-builder',
      });
    });

    it('says when the pull request was already open', async () => {
      const { output, rendered } = await run(NUMERIC);
      expect(output.reused).toBe(true);
      expect(rendered.text[0].content).toMatch(
        /^The pull request was already open to enroll the wheel set \*\*numeric\*\*/,
      );
    });

    it('made only requests that GitHub accepts', () => {
      expect(factory.github.violations()).toEqual([]);
    });
  });
});
