import { readFileSync } from 'node:fs';

/** The OpenAPI documents this server validates against. */
export interface Descriptions {
  /** GitHub's REST API description, `@octokit/openapi` (OpenAPI 3.0.3). */
  rest: OpenApiDocument;
  /** GitHub's webhooks description, `@octokit/openapi-webhooks` (OpenAPI 3.1). */
  webhooks: OpenApiDocument;
  /** Every `format` used by either document. */
  formats: Set<string>;
}

/** The parts of an OpenAPI document the server reads. */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, OperationObject>>;
  webhooks?: Record<string, Record<string, OperationObject>>;
  components: Record<string, Record<string, any>>;
}

/** One operation of an OpenAPI document. */
export interface OperationObject {
  operationId?: string;
  parameters?: any[];
  requestBody?: any;
  responses?: Record<string, any>;
}

/** The `$id` the REST description is registered under in ajv. */
export const REST_ID = 'github-rest';
/** The `$id` the webhooks description is registered under in ajv. */
export const WEBHOOKS_ID = 'github-webhooks';

let cached: Descriptions | undefined;

/**
 * Loads both descriptions once per process. Their `$ref`s are made absolute
 * (so a schema can be compiled on its own), and OpenAPI 3.0 `nullable` is
 * turned into JSON Schema (`type: [t, 'null']`), which ajv understands.
 */
export function loadDescriptions(): Descriptions {
  if (!cached) {
    const formats = new Set<string>();
    cached = {
      rest: readDocument(
        '@octokit/openapi/generated/api.github.com.json',
        REST_ID,
        formats,
      ),
      webhooks: readDocument(
        '@octokit/openapi-webhooks/generated/api.github.com.json',
        WEBHOOKS_ID,
        formats,
      ),
      formats,
    };
  }
  return cached;
}

function readDocument(
  module: string,
  id: string,
  formats: Set<string>,
): OpenApiDocument {
  const doc = JSON.parse(readFileSync(require.resolve(module), 'utf8'));
  return normalize(doc, id, formats) as OpenApiDocument;
}

const DROPPED = new Set(['examples', 'example', 'description', 'summary']);

function normalize(
  node: any,
  id: string,
  formats: Set<string>,
  isPropertyMap = false,
): any {
  if (Array.isArray(node)) {
    return node.map(item => normalize(item, id, formats));
  }
  if (!node || typeof node !== 'object') {
    return node;
  }
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(node)) {
    // Documentation is dropped to save memory; a property map keeps every key.
    if (!isPropertyMap && DROPPED.has(key)) continue;
    out[key] = normalize(
      value,
      id,
      formats,
      !isPropertyMap && key === 'properties',
    );
  }
  if (isPropertyMap) {
    return out;
  }
  if (typeof out.$ref === 'string' && out.$ref.startsWith('#/')) {
    out.$ref = `${id}${out.$ref}`;
  }
  if (typeof out.format === 'string') {
    formats.add(out.format);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null))
        out.enum.push(null);
      return out;
    }
    return { anyOf: [{ type: 'null' }, out] };
  }
  delete out.nullable;
  return out;
}

/** Reads a local `$ref` (already made absolute by {@link loadDescriptions}). */
export function resolveRef(doc: OpenApiDocument, node: any): any {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    const pointer = current.$ref
      .slice(current.$ref.indexOf('#') + 2)
      .split('/');
    current = pointer.reduce(
      (acc: any, part: string) =>
        acc?.[part.replace(/~1/g, '/').replace(/~0/g, '~')],
      doc,
    );
  }
  return current;
}
