/**
 * The parts of the server's own /openapi.json the fuzzer reads: every
 * operation with its parameters, request body, documented statuses and body
 * size limit. Read from the served document, not from the route table, so the
 * fuzzer tests what clients are told.
 */

/** A JSON Schema node as zod-openapi writes it (3.1 dialect); only what the fuzzer reads is typed. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  example?: unknown;
}

interface RawParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface RawOperation {
  operationId: string;
  parameters?: RawParameter[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }>; 'x-max-bytes'?: number };
  responses: Record<string, unknown>;
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, unknown> };
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  /** The OpenAPI template, e.g. `/api/v1/qrcodes/{id}`. */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  /** Whether the operation takes `Idempotency-Key` (it is a documented header parameter). */
  idempotent: boolean;
  /** The JSON body schema, when the operation takes JSON. */
  jsonBody: JsonSchema | null;
  /** True when the operation takes a file (raw bytes or multipart). */
  upload: boolean;
  /** The documented size limit of the request body, in bytes (`x-max-bytes`). */
  maxBodyBytes: number | null;
  /** Every status the operation documents. */
  statuses: Set<number>;
  needsKey: boolean;
}

const METHODS = ['get', 'post', 'patch', 'delete'] as const;

/** Follows `$ref`s (keeping sibling keywords such as `default` and `description`). */
export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(current.$ref)?.[1];
    const target = name ? doc.components.schemas[name] : undefined;
    if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
    const siblings: JsonSchema = { ...current };
    delete siblings.$ref;
    current = { ...target, ...siblings, $ref: target.$ref };
    if (!target.$ref) delete current.$ref;
  }
  return current;
}

/** Every operation the document lists, in document order. */
export function listOperations(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const raw = item[method];
      if (!raw) continue;
      const params = raw.parameters ?? [];
      const toParam = (p: RawParameter): Parameter => ({
        name: p.name,
        required: p.required === true,
        schema: resolve(doc, p.schema ?? {}),
      });
      const content = raw.requestBody?.content ?? {};
      ops.push({
        operationId: raw.operationId,
        method,
        path,
        pathParams: params.filter((p) => p.in === 'path').map(toParam),
        query: params.filter((p) => p.in === 'query').map(toParam),
        idempotent: params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
        jsonBody: content['application/json']?.schema ?? null,
        upload: 'application/octet-stream' in content || 'multipart/form-data' in content,
        maxBodyBytes: raw.requestBody?.['x-max-bytes'] ?? null,
        statuses: new Set(Object.keys(raw.responses).map(Number)),
        needsKey: (raw.security ?? [{}]).length > 0,
      });
    }
  }
  return ops;
}

/** The statuses the document defines reusable responses for: the ones any operation may meet. */
export function documentedErrorStatuses(doc: OpenApiDocument): Set<number> {
  const byName: Record<string, number> = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    MethodNotAllowed: 405,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    RateLimited: 429,
    InternalError: 500,
  };
  return new Set(
    Object.keys(doc.components.responses)
      .map((name) => byName[name])
      .filter((s): s is number => s !== undefined),
  );
}
