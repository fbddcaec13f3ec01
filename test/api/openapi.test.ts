import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { ERROR_CODE_LIST } from '../../src-shared/errors';
import { toOpenApiPath } from '../../src-server/http/route';
import { startTestServer, type TestServer } from '../helpers/server';

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    headers: Record<string, unknown>;
  };
}

describe('/openapi.json', () => {
  let server: TestServer;
  let doc: OpenApiDoc;
  let text: string;

  before(async () => {
    server = await startTestServer();
    const res = await server.api('/openapi.json');
    assert.equal(res.status, 200);
    text = await res.text();
    doc = JSON.parse(text) as OpenApiDoc;
  });
  after(() => server.stop());

  it('is OpenAPI 3.1', () => {
    assert.match(doc.openapi, /^3\.1\./);
  });

  it('lints clean with the Redocly recommended ruleset: no errors and no warnings', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config });
    const shown = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    assert.deepEqual(shown, []);
  });

  it('documents every route the server mounts, and nothing it does not', () => {
    const mounted = [
      ...server.routes.map((r) => `${r.method} ${toOpenApiPath(r.path)}`),
      'get /openapi.json',
      'get /docs',
    ].sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`))
      .sort();
    assert.deepEqual(documented, mounted);
    for (const op of ['get /api/v1/auth/verify', 'post /api/v1/api-keys', 'delete /api/v1/api-keys/{id}']) {
      assert.ok(documented.includes(op), op);
    }
  });

  it('lists every error code in the error envelope', () => {
    const codes = doc.components.schemas.Error?.properties?.error as unknown as {
      properties: { code: { enum: string[] } };
    };
    assert.deepEqual([...codes.properties.code.enum].sort(), [...ERROR_CODE_LIST].sort());
  });

  it('documents the rate-limit headers on authenticated responses and Retry-After on 429', () => {
    for (const name of [
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'X-Daily-Limit',
      'X-Daily-Remaining',
      'Retry-After',
    ]) {
      assert.ok(doc.components.headers[name], `${name} is a documented header`);
    }
    const verify = doc.paths['/api/v1/auth/verify']!.get!;
    const ok = verify.responses['200'] as { headers: Record<string, unknown> };
    assert.ok(ok.headers['X-RateLimit-Remaining']);
    assert.deepEqual(verify.responses['429'], { $ref: '#/components/responses/RateLimited' });
    assert.deepEqual(verify.responses['401'], { $ref: '#/components/responses/Unauthorized' });
  });

  it('marks /health, /openapi.json and /docs as needing no key', () => {
    for (const path of ['/health', '/openapi.json', '/docs']) assert.deepEqual(doc.paths[path]!.get!.security, []);
  });

  it('serves an offline docs page whose assets all come from this server', async () => {
    const res = await fetch(`${server.apiUrl}/docs`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 3);
    for (const ref of refs) {
      assert.ok(ref.startsWith('/'), `${ref} is same-origin`);
      const asset = await fetch(server.apiUrl + ref);
      assert.equal(asset.status, 200, ref);
      await asset.arrayBuffer();
    }
  });

  // QR codes, folders and settings (issue 3).

  type Operation = {
    parameters?: { in: string; name: string; schema?: { enum?: string[]; $ref?: string } }[];
    requestBody?: unknown;
    responses: Record<string, unknown>;
    'x-required-scope'?: string;
  };
  const op = (path: string, method: string) => {
    const found = (doc.paths[path] as Record<string, Operation> | undefined)?.[method];
    assert.ok(found, `${method} ${path} is documented`);
    return found;
  };
  const schema = (name: string) => {
    const found = doc.components.schemas[name] as Record<string, unknown> | undefined;
    assert.ok(found, `schema ${name}`);
    return found;
  };

  it('documents every QR code, folder and settings path and method, with the scope each needs', () => {
    const expected: [string, string, string][] = [
      ['/api/v1/qrcodes', 'get', 'read'],
      ['/api/v1/qrcodes', 'post', 'write'],
      ['/api/v1/qrcodes/bulk', 'post', 'write'],
      ['/api/v1/qrcodes/{id}', 'get', 'read'],
      ['/api/v1/qrcodes/{id}', 'patch', 'write'],
      ['/api/v1/qrcodes/{id}', 'delete', 'write'],
      ['/api/v1/qrcodes/{id}/restore', 'post', 'write'],
      ['/api/v1/folders', 'get', 'read'],
      ['/api/v1/folders', 'post', 'write'],
      ['/api/v1/folders/{id}', 'get', 'read'],
      ['/api/v1/folders/{id}', 'patch', 'write'],
      ['/api/v1/folders/{id}', 'delete', 'write'],
      ['/api/v1/settings', 'get', 'admin'],
      ['/api/v1/settings', 'patch', 'admin'],
    ];
    for (const [path, method, scope] of expected) {
      const operation = op(path, method);
      assert.equal(operation['x-required-scope'], scope, `${method} ${path} needs ${scope}`);
      assert.deepEqual(operation.responses['403'], { $ref: '#/components/responses/Forbidden' });
      if ((method === 'post' || method === 'patch') && !path.endsWith('/restore')) {
        assert.ok(operation.requestBody, `${method} ${path} has a body`);
      }
    }
    assert.deepEqual(op('/api/v1/qrcodes', 'post').responses['409'], { $ref: '#/components/responses/Conflict' });
    assert.deepEqual(op('/api/v1/qrcodes/{id}', 'get').responses['404'], { $ref: '#/components/responses/NotFound' });
    assert.deepEqual(op('/api/v1/qrcodes/{id}', 'patch').responses['409'], { $ref: '#/components/responses/Conflict' });
    assert.ok(op('/api/v1/qrcodes', 'post').responses['201'], 'create answers 201');
    const deleteParams = op('/api/v1/qrcodes/{id}', 'delete').parameters!.map((p) => `${p.in} ${p.name}`);
    assert.ok(deleteParams.includes('query permanent'));
    const listParams = op('/api/v1/qrcodes', 'get').parameters!.map((p) => p.name);
    for (const name of [
      'limit',
      'cursor',
      'page',
      'type',
      'kind',
      'status',
      'q',
      'category',
      'tag',
      'folderId',
      'favorite',
      'trashed',
    ]) {
      assert.ok(listParams.includes(name), `list documents ${name}`);
    }
    const conflict = JSON.stringify(
      (doc as unknown as { components: { responses: Record<string, unknown> } }).components.responses.Conflict,
    );
    assert.match(conflict, /IDEMPOTENCY_CONFLICT/);
  });

  it('documents Idempotency-Key on every POST but key creation', () => {
    const idem = (path: string) =>
      (op(path, 'post').parameters ?? []).filter((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    for (const path of ['/api/v1/qrcodes', '/api/v1/qrcodes/bulk', '/api/v1/folders', '/api/v1/qrcodes/{id}/restore']) {
      assert.equal(idem(path).length, 1, `${path} takes one`);
    }
    // Replaying a key's creation would mean storing the secret key; it is refused instead.
    assert.equal(idem('/api/v1/api-keys').length, 0);
  });

  it('documents the enums: types, kinds, statuses and every design style', () => {
    assert.deepEqual(schema('QrType').enum, [
      'url',
      'text',
      'wifi',
      'vcard',
      'email',
      'phone',
      'sms',
      'whatsapp',
      'geo',
      'event',
      'payment',
      'social',
    ]);
    assert.deepEqual(schema('QrKind').enum, ['static', 'dynamic']);
    assert.deepEqual(schema('QrStatus').enum, ['active', 'paused', 'expired']);
    const design = schema('Design') as {
      properties: Record<string, { enum?: string[]; minimum?: number; maximum?: number }>;
    };
    assert.deepEqual(design.properties.dotStyle!.enum, [
      'square',
      'dots',
      'rounded',
      'extra-rounded',
      'classy',
      'classy-rounded',
    ]);
    assert.deepEqual(design.properties.cornerSquareStyle!.enum, ['square', 'dot', 'extra-rounded']);
    assert.deepEqual(design.properties.cornerDotStyle!.enum, ['square', 'dot']);
    assert.deepEqual(design.properties.errorCorrection!.enum, ['L', 'M', 'Q', 'H']);
    assert.equal(design.properties.margin!.minimum, 0);
    assert.equal(design.properties.margin!.maximum, 20);
    // The create body is one variant per type, told apart by `type`.
    const create = schema('CreateQrCodeInput') as {
      oneOf: unknown[];
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    assert.equal(create.oneOf.length, 12);
    assert.equal(create.discriminator.propertyName, 'type');
    assert.deepEqual(Object.keys(create.discriminator.mapping).sort(), [...(schema('QrType').enum as string[])].sort());
    for (const name of [
      'WifiContent',
      'VcardContent',
      'EventContent',
      'PaymentContent',
      'SocialContent',
      'BulkCreateResult',
      'Folder',
      'Settings',
    ]) {
      schema(name);
    }
  });
});
