import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  loadDescriptions,
  Descriptions,
  OperationObject,
  resolveRef,
  REST_ID,
  WEBHOOKS_ID,
} from './loadDescriptions';

/** A request matched to an operation of GitHub's REST description. */
export interface MatchedOperation {
  method: string;
  template: string;
  operation: OperationObject;
  params: Record<string, string>;
}

/** A schema problem, as ajv reports it, in one line each. */
export type SchemaIssue = {
  path: string;
  message: string;
  keyword: string;
  missing?: string;
};

interface Route {
  template: string;
  segments: string[];
  multiSegmentLast: boolean;
  methods: Record<string, OperationObject>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * Matches requests to operations of GitHub's OpenAPI description and
 * validates requests, responses and webhook payloads against its schemas.
 * The description is parsed once per process; one ajv validator is compiled
 * per schema, the first time it is needed.
 */
export class OpenApiValidator {
  private readonly descriptions: Descriptions;
  private readonly ajv: Ajv;
  private readonly routes: Route[];
  private readonly compiled = new WeakMap<object, ValidateFunction>();
  private readonly componentRefs = new Map<string, object>();

  constructor() {
    this.descriptions = loadDescriptions();
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateSchema: false,
      logger: false,
    });
    addFormats(this.ajv);
    for (const format of this.descriptions.formats) {
      if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    }
    this.ajv.addSchema({
      $id: REST_ID,
      components: this.descriptions.rest.components,
    });
    this.ajv.addSchema({
      $id: WEBHOOKS_ID,
      components: this.descriptions.webhooks.components,
    });
    this.routes = Object.entries(this.descriptions.rest.paths ?? {}).map(
      ([template, item]) => {
        const methods: Record<string, OperationObject> = {};
        for (const method of METHODS)
          if (item[method]) methods[method] = item[method];
        const lastParam = /\{([^}]+)\}$/.exec(template)?.[1];
        const multiSegmentLast = Object.values(methods).some(op =>
          (op.parameters ?? []).some(p => {
            const param = resolveRef(this.descriptions.rest, p);
            return param?.name === lastParam && param?.['x-multi-segment'];
          }),
        );
        return {
          template,
          segments: template.split('/').slice(1),
          multiSegmentLast,
          methods,
        };
      },
    );
  }

  /** Finds the operation for a method and a path (relative to the API root). */
  match(
    method: string,
    pathname: string,
  ): MatchedOperation | { allowed: string[] } | undefined {
    const parts = pathname.split('/').slice(1);
    let best:
      | { route: Route; params: Record<string, string>; literals: number }
      | undefined;
    for (const route of this.routes) {
      const params = matchSegments(route, parts);
      if (!params) continue;
      const literals = route.segments.filter(s => !s.startsWith('{')).length;
      if (!best || literals > best.literals) best = { route, params, literals };
    }
    if (!best) return undefined;
    const operation = best.route.methods[method.toLowerCase()];
    if (!operation) return { allowed: Object.keys(best.route.methods) };
    return {
      method: method.toLowerCase(),
      template: best.route.template,
      operation,
      params: best.params,
    };
  }

  /** Validates path params, query and JSON body against the operation. */
  validateRequest(
    match: MatchedOperation,
    query: URLSearchParams,
    body: unknown,
  ): SchemaIssue[] {
    const issues: SchemaIssue[] = [];
    const doc = this.descriptions.rest;
    const known = new Set<string>();
    for (const raw of match.operation.parameters ?? []) {
      const param = resolveRef(doc, raw);
      if (param.in !== 'path' && param.in !== 'query') continue;
      if (param.in === 'query') known.add(param.name);
      const value =
        param.in === 'path' ? match.params[param.name] : query.get(param.name);
      if (value === null || value === undefined) {
        if (param.required) {
          issues.push({
            path: param.name,
            keyword: 'required',
            missing: param.name,
            message: `"${param.name}" wasn't supplied.`,
          });
        }
        continue;
      }
      const coerced = coerce(value, resolveRef(doc, param.schema));
      issues.push(...this.check(param.schema, coerced, param.name));
    }
    const requestBody = resolveRef(doc, match.operation.requestBody);
    const schema = requestBody?.content?.['application/json']?.schema;
    if (schema) {
      if (body === undefined) {
        if (requestBody.required) {
          issues.push({
            path: '',
            keyword: 'required',
            message: 'A request body is required.',
          });
        }
      } else {
        issues.push(...this.check(schema, body, ''));
      }
    }
    return issues;
  }

  /**
   * Validates a response body against the operation's schema for `status`.
   * Returns undefined when the operation does not document that status.
   */
  validateResponse(
    match: MatchedOperation,
    status: number,
    body: unknown,
  ): SchemaIssue[] | undefined {
    const doc = this.descriptions.rest;
    const responses = match.operation.responses ?? {};
    const raw =
      responses[String(status)] ??
      responses[`${String(status)[0]}XX`] ??
      responses.default;
    if (!raw) return undefined;
    const response = resolveRef(doc, raw);
    const schema = response?.content?.['application/json']?.schema;
    if (!schema) {
      return body === undefined
        ? []
        : [
            {
              path: '',
              keyword: 'content',
              message: 'documents no body for this status',
            },
          ];
    }
    return this.check(schema, body, '');
  }

  /** Validates a body against a named schema of the REST description's components. */
  validateComponent(name: string, body: unknown): SchemaIssue[] {
    let schema = this.componentRefs.get(name);
    if (!schema) {
      schema = { $ref: `${REST_ID}#/components/schemas/${name}` };
      this.componentRefs.set(name, schema);
    }
    return this.check(schema, body, '');
  }

  /** Validates a webhook payload against the webhooks description (e.g. `pull-request-closed`). */
  validateWebhook(name: string, payload: unknown): SchemaIssue[] {
    const hook = this.descriptions.webhooks.webhooks?.[name]?.post;
    const requestBody = resolveRef(
      this.descriptions.webhooks,
      hook?.requestBody,
    );
    const schema = requestBody?.content?.['application/json']?.schema;
    if (!schema) {
      return [
        {
          path: '',
          keyword: 'webhook',
          message: `the webhooks description has no '${name}'`,
        },
      ];
    }
    return this.check(schema, payload, '');
  }

  private check(schema: object, value: unknown, prefix: string): SchemaIssue[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return toIssues(validate.errors ?? [], prefix);
  }
}

function matchSegments(
  route: Route,
  parts: string[],
): Record<string, string> | undefined {
  const { segments } = route;
  if (parts.length < segments.length) return undefined;
  if (parts.length > segments.length && !route.multiSegmentLast)
    return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const isLast = i === segments.length - 1;
    const value =
      isLast && route.multiSegmentLast ? parts.slice(i).join('/') : parts[i];
    if (segment.startsWith('{')) {
      if (value === '') return undefined;
      params[segment.slice(1, -1)] = safeDecode(value);
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(value: string) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function coerce(value: string, schema: any): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (type === 'integer' || type === 'number') {
    return value.trim() !== '' && !Number.isNaN(Number(value))
      ? Number(value)
      : value;
  }
  if (type === 'boolean') {
    if (value === 'true') return true;
    if (value === 'false') return false;
  }
  return value;
}

function toIssues(errors: ErrorObject[], prefix: string): SchemaIssue[] {
  // anyOf/oneOf failures also report each branch; the summary line is enough.
  return errors.map(error => {
    const pointer = error.instancePath.split('/').slice(1).join('.');
    const path = [prefix, pointer].filter(Boolean).join('.');
    const missing =
      error.keyword === 'required'
        ? String(error.params.missingProperty)
        : undefined;
    return {
      path,
      keyword: error.keyword,
      missing,
      message: error.message ?? 'is invalid',
    };
  });
}
