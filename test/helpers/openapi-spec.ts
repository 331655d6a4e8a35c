/**
 * The OpenAPI documents of both OpenApp API generations (../shared/openapp/) and the tools the
 * contract test applies to them: operation and parameter lookup, a structural comparison of our
 * zod wire schemas with the spec's component schemas, ajv validators compiled from the spec, and
 * a small recording proxy that shows which headers the client really sends.
 */
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import type { ApiGeneration } from '../../src/openapp/api-generation.js';

// ---- the documents ----

export type Schema = { [key: string]: unknown };

export interface Parameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  operationId?: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: Record<string, string[]>[];
}

export interface SecurityScheme {
  type: string;
  scheme?: string;
  in?: string;
  name?: string;
}

export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes?: Record<string, SecurityScheme>;
    parameters?: Record<string, Parameter>;
  };
}

const SPEC_DIR = new URL('../../../shared/openapp/', import.meta.url);
export const SPEC_FILES: Record<ApiGeneration, URL> = {
  '2025': new URL('openapi-2025-building-users.json', SPEC_DIR),
  '2026': new URL('openapi-2026-people.json', SPEC_DIR),
};

const loaded = new Map<ApiGeneration, OpenApiDoc>();

/** The document of one generation, parsed once. Treat it as read-only. */
export function loadSpec(generation: ApiGeneration): OpenApiDoc {
  let doc = loaded.get(generation);
  if (!doc) {
    doc = JSON.parse(readFileSync(SPEC_FILES[generation], 'utf8')) as OpenApiDoc;
    loaded.set(generation, doc);
  }
  return doc;
}

/** The operation at exactly this path template, e.g. `/integrations/{id}/people`. */
export function operation(doc: OpenApiDoc, method: string, pathTemplate: string): Operation | undefined {
  return doc.paths[pathTemplate]?.[method.toLowerCase()] as Operation | undefined;
}

/**
 * The operation serving a concrete request path (`/integrations/01J…/people`). Templates with
 * fewer parameters win, so `/users/search` is not taken for `/users/{id}`.
 */
export function matchOperation(
  doc: OpenApiDoc,
  method: string,
  concretePath: string,
): { template: string; op: Operation } | undefined {
  const candidates = Object.keys(doc.paths)
    .map((template) => ({ template, params: (template.match(/\{[^}]+\}/g) ?? []).length }))
    .sort((a, b) => a.params - b.params);
  for (const { template } of candidates) {
    const pattern = template
      .split('/')
      .map((seg) => (/^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')))
      .join('/');
    if (!new RegExp(`^${pattern}$`).test(concretePath)) continue;
    const op = operation(doc, method, template);
    if (op) return { template, op };
  }
  return undefined;
}

/** Follows a local JSON pointer (`#/components/schemas/X`) inside `root`. */
export function deref(root: unknown, ref: string): Schema {
  if (!ref.startsWith('#')) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  if (node === undefined) throw new Error(`$ref ${ref} points at nothing`);
  return node as Schema;
}

/** Follows `$ref` chains to the schema they name. */
export function resolveSchema(root: unknown, schema: Schema): Schema {
  let s = schema;
  for (let hops = 0; typeof s.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref loop at ${String(s.$ref)}`);
    s = deref(root, s.$ref);
  }
  return s;
}

export interface DeclaredParam {
  name: string;
  in: Parameter['in'];
  required: boolean;
  /** Set when the name is a property of an object parameter (`pagination` → `limit`). */
  via?: string;
}

/**
 * The parameters an operation declares, as they appear on the wire. A query parameter whose schema
 * is an object (`pagination: PaginationQuery`) is serialised form/explode, i.e. as its properties
 * (openapp-api.md §3), so it is listed as those properties. Such a property counts as required only
 * when the object parameter is required and the object schema requires the property.
 */
export function declaredParams(doc: OpenApiDoc, op: Operation): DeclaredParam[] {
  const out: DeclaredParam[] = [];
  for (const raw of op.parameters ?? []) {
    const param = '$ref' in raw ? (deref(doc, raw.$ref) as unknown as Parameter) : raw;
    const schema = param.schema ? resolveSchema(doc, param.schema) : undefined;
    const props = schema?.properties as Record<string, unknown> | undefined;
    if (param.in === 'query' && props) {
      const required = new Set((schema?.required as string[] | undefined) ?? []);
      for (const name of Object.keys(props)) {
        out.push({ name, in: 'query', required: !!param.required && required.has(name), via: param.name });
      }
      continue;
    }
    out.push({ name: param.name, in: param.in, required: !!param.required });
  }
  return out;
}

/** The JSON schema of the operation's success or error body with this status, if it declares one. */
export function responseSchema(op: Operation, status: number): Schema | undefined {
  return op.responses[String(status)]?.content?.['application/json']?.schema;
}

export function requestBodySchema(op: Operation): Schema | undefined {
  return op.requestBody?.content?.['application/json']?.schema;
}

/** `#/components/schemas/X` → `X`. */
export function componentName(schema: Schema | undefined): string | undefined {
  const ref = schema?.$ref;
  return typeof ref === 'string' ? ref.replace('#/components/schemas/', '') : undefined;
}

// ---- structural comparison: our zod schemas against spec components ----

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

/** What a JSON schema allows, flattened through $ref / allOf / oneOf / anyOf. */
interface Shape {
  /** No type constraint at all (`{}`). */
  any: boolean;
  /** Non-null types allowed (when not `any`). */
  types: Set<JsonType>;
  nullable: boolean;
  /** Reached through the spec's `LocalizedString` (openapp-api.md §1: its wire form differs). */
  localized: boolean;
  properties: Map<string, () => Shape>;
  required: Set<string>;
  /** `additionalProperties: false`. */
  closed: boolean;
  /** `additionalProperties: {schema}` (maps such as `roles`). */
  additional?: () => Shape;
  items?: () => Shape;
}

const ANY: Shape = {
  any: true,
  types: new Set(),
  nullable: true,
  localized: false,
  properties: new Map(),
  required: new Set(),
  closed: false,
};

function covers(types: Set<JsonType>, t: JsonType): boolean {
  return types.has(t) || (t === 'integer' && types.has('number'));
}

function intersect(a: Shape, b: Shape): Shape {
  let types: Set<JsonType>;
  if (a.any) types = b.types;
  else if (b.any) types = a.types;
  else {
    types = new Set();
    for (const t of a.types) if (covers(b.types, t)) types.add(t);
    for (const t of b.types) if (covers(a.types, t)) types.add(t);
    if (types.has('integer')) types.delete('number');
  }
  const properties = new Map(a.properties);
  for (const [name, shape] of b.properties) {
    const mine = properties.get(name);
    properties.set(name, mine ? () => intersect(mine(), shape()) : shape);
  }
  const both = (x?: () => Shape, y?: () => Shape) => (x && y ? () => intersect(x(), y()) : (x ?? y));
  return {
    any: a.any && b.any,
    types,
    nullable: a.nullable && b.nullable,
    localized: a.localized || b.localized,
    properties,
    required: new Set([...a.required, ...b.required]),
    closed: a.closed || b.closed,
    additional: both(a.additional, b.additional),
    items: both(a.items, b.items),
  };
}

function union(variants: Shape[]): Shape {
  const objects = variants.filter((v) => v.any || v.types.has('object'));
  const properties = new Map<string, () => Shape>();
  for (const v of variants) {
    for (const [name, shape] of v.properties) {
      const seen = properties.get(name);
      properties.set(name, seen ? () => union([seen(), shape()]) : shape);
    }
  }
  const either = (pick: (v: Shape) => (() => Shape) | undefined) => {
    const found = variants.map(pick).filter((f): f is () => Shape => f !== undefined);
    return found.length === 0 ? undefined : () => union(found.map((f) => f()));
  };
  return {
    any: variants.some((v) => v.any),
    types: new Set(variants.flatMap((v) => [...v.types])),
    nullable: variants.some((v) => v.nullable),
    localized: variants.some((v) => v.localized),
    properties,
    required: new Set(
      objects.length === 0
        ? []
        : [...objects[0]!.required].filter((r) => objects.every((o) => o.required.has(r))),
    ),
    closed: objects.length > 0 && objects.every((o) => o.closed),
    additional: either((v) => v.additional),
    items: either((v) => v.items),
  };
}

function shapeOf(schema: unknown, root: unknown): Shape {
  if (schema === true || schema === undefined) return ANY;
  if (schema === false) return { ...ANY, any: false, nullable: false };
  const s = schema as Schema;
  if (typeof s.$ref === 'string') {
    const target = shapeOf(deref(root, s.$ref), root);
    return s.$ref.endsWith('/LocalizedString') ? { ...target, localized: true } : target;
  }
  let own: Shape = ANY;
  const declared = s.type === undefined ? undefined : ([] as string[]).concat(s.type as string | string[]);
  const looksLikeObject =
    s.properties !== undefined || s.required !== undefined || s.additionalProperties !== undefined;
  if (declared || looksLikeObject) {
    const types = declared ?? ['object'];
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const additional = s.additionalProperties;
    own = {
      any: false,
      types: new Set(types.filter((t): t is JsonType => t !== 'null')),
      nullable: types.includes('null'),
      localized: false,
      properties: new Map(Object.entries(props).map(([name, child]) => [name, () => shapeOf(child, root)])),
      required: new Set((s.required as string[] | undefined) ?? []),
      closed: additional === false,
      ...(additional !== undefined && typeof additional === 'object'
        ? { additional: () => shapeOf(additional, root) }
        : {}),
      ...(s.items !== undefined ? { items: () => shapeOf(s.items, root) } : {}),
    };
  }
  for (const part of (s.allOf as unknown[] | undefined) ?? []) own = intersect(own, shapeOf(part, root));
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const variants = s[keyword] as unknown[] | undefined;
    if (variants) own = intersect(own, union(variants.map((v) => shapeOf(v, root))));
  }
  return own;
}

function describeTypes(shape: Shape): string {
  if (shape.any) return 'anything';
  return [...shape.types, ...(shape.nullable ? ['null'] : [])].join('|') || 'nothing';
}

export interface CompareOptions {
  /**
   * Property paths (`ApiErrorResponse.code`) we may declare although the spec does not, each with
   * the reason. Keep this list short and documented.
   */
  documentedExtras?: Record<string, string>;
}

/**
 * Compares one of our zod wire schemas with a spec component and returns every drift found, as
 * sentences (empty when they agree). Both directions follow from what can break on the wire:
 *
 * - `request` (what we send): every property we send is declared by the spec, every property the
 *   spec requires we require, we never send a type or a null the spec refuses, and when the spec
 *   forbids unknown properties (`additionalProperties: false`) our schema does too.
 * - `response` (what we read): every property we read is declared by the spec, every property we
 *   require the spec requires too, and we accept every type and null the spec allows, so we never
 *   reject a response the spec allows.
 *
 * Nested objects, arrays and maps are compared the same way. A property typed by the spec's
 * `LocalizedString` is compared by name only: its wire form differs from its schema (§1).
 */
export function compareWithSpec(
  mode: 'request' | 'response',
  ours: z.ZodType,
  doc: OpenApiDoc,
  component: string,
  options: CompareOptions = {},
): string[] {
  const specSchema = doc.components.schemas[component];
  if (!specSchema) return [`${component}: the spec has no such component`];
  const oursJson = z.toJSONSchema(ours, { io: 'input' });
  const problems: string[] = [];
  const extras = options.documentedExtras ?? {};
  const verb = mode === 'request' ? 'we send' : 'we read';

  const walk = (mine: Shape, spec: Shape, path: string): void => {
    if (spec.localized) return;

    if (mode === 'response') {
      if (spec.nullable && !mine.nullable) problems.push(`${path}: the spec allows null, we reject it`);
      if (!mine.any) {
        if (spec.any)
          problems.push(`${path}: the spec allows anything, we accept only ${describeTypes(mine)}`);
        for (const t of spec.any ? [] : spec.types) {
          if (!covers(mine.types, t))
            problems.push(`${path}: the spec allows ${t}, we accept only ${describeTypes(mine)}`);
        }
      }
    } else {
      if (mine.nullable && !spec.nullable)
        problems.push(`${path}: we may send null, the spec does not allow it`);
      if (!spec.any) {
        if (mine.any) problems.push(`${path}: we may send anything, the spec expects ${describeTypes(spec)}`);
        for (const t of mine.any ? [] : mine.types) {
          if (!covers(spec.types, t))
            problems.push(`${path}: we may send ${t}, the spec expects ${describeTypes(spec)}`);
        }
      }
    }

    for (const [name, child] of mine.properties) {
      const at = `${path}.${name}`;
      const specChild = spec.properties.get(name);
      if (specChild) walk(child(), specChild(), at);
      else if (!(at in extras)) problems.push(`${at}: ${verb} it, the spec does not declare it`);
    }
    if (mode === 'request') {
      for (const name of spec.required) {
        if (!mine.required.has(name))
          problems.push(`${path}.${name}: the spec requires it, our schema does not`);
      }
      if (spec.closed && !mine.closed) {
        problems.push(
          `${path}: the spec forbids unknown properties (additionalProperties: false), our schema does not`,
        );
      }
    } else {
      for (const name of mine.required) {
        // A required property the spec does not declare at all is already reported above.
        if (spec.properties.has(name) && !spec.required.has(name)) {
          problems.push(
            `${path}.${name}: we require it, the spec does not (a valid response without it would be rejected)`,
          );
        }
      }
    }
    if (mine.additional && spec.additional) walk(mine.additional(), spec.additional(), `${path}{*}`);
    if (mine.items && spec.items) walk(mine.items(), spec.items(), `${path}[]`);
  };

  walk(shapeOf(oursJson, oursJson), shapeOf(specSchema, doc), component);
  return problems;
}

// ---- ajv validators compiled from the spec ----

/**
 * `LocalizedString` as it really appears on the wire. The spec declares `{ value: { <locale>: text } }`,
 * its own descriptions call the wire form a plain locale map, and inputs also take a plain string;
 * servers send all three (openapp-api.md §1). Only the validator's copy of the spec is patched.
 */
const LOCALIZED_STRING_WIRE: Schema = {
  description: 'LocalizedString, patched for the contract test to its three wire forms (openapp-api.md §1)',
  anyOf: [
    { type: 'string' },
    {
      type: 'object',
      required: ['value'],
      properties: { value: { type: 'object', additionalProperties: { type: 'string' } } },
    },
    { type: 'object', additionalProperties: { type: 'string' } },
  ],
};

export interface SpecValidator {
  /** `openapi-2026#/components/schemas/X`, for use in `$ref`. */
  ref(component: string): string;
  /** Problems of `data` against `schema` (a spec schema or one referring to components with `ref`). */
  problems(schema: Schema, data: unknown): string[];
}

export function specValidator(generation: ApiGeneration): SpecValidator {
  const doc = loadSpec(generation);
  const id = `openapi-${generation}`;
  const components = structuredClone(doc.components);
  components.schemas.LocalizedString = LOCALIZED_STRING_WIRE;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  // ajv-formats is CommonJS; `.default` is the plugin both at runtime and for the NodeNext types.
  addFormats.default(ajv);
  ajv.addSchema({ $id: id, components });
  const compiled = new Map<string, ValidateFunction>();
  // Schemas taken from the document refer to `#/components/...` of the document itself.
  const rebase = (schema: Schema): Schema =>
    JSON.parse(
      JSON.stringify(schema).replaceAll('"$ref":"#/components/', `"$ref":"${id}#/components/`),
    ) as Schema;
  return {
    ref: (component) => `${id}#/components/schemas/${component}`,
    problems(schema, data) {
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(rebase(schema));
        compiled.set(key, validate);
      }
      if (validate(data)) return [];
      return (validate.errors ?? []).map(describeAjvError);
    },
  };
}

function describeAjvError(e: ErrorObject): string {
  return `${e.instancePath || '(body)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;
}

// ---- a proxy that records what the client really sends ----

export interface ProxiedRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
}

/** Forwards everything to `targetOrigin` and keeps each request's method, path and headers. */
export async function startRecordingProxy(
  targetOrigin: string,
): Promise<{ origin: string; seen: ProxiedRequest[]; close(): Promise<void> }> {
  const target = new URL(targetOrigin);
  const seen: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    seen.push({
      method: req.method ?? 'GET',
      path: q >= 0 ? url.slice(0, q) : url,
      query: q >= 0 ? url.slice(q + 1) : '',
      headers: req.headers,
    });
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => res.destroy(err));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
