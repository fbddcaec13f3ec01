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
});
