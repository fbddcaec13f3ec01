/**
 * GET /api/v1/server: what the running server knows about itself (for the
 * UI's About and Developers pages), admin scope only.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SERVER_INFO_FILE } from '../../src-server/server';
import { startTestServer, type TestServer } from '../helpers/server';
import { expectError, PACKAGE_VERSION, sendJson } from './support';

describe('GET /api/v1/server', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.stop());

  test('answers an admin key with the version, data directory, listeners and runtime', async () => {
    const res = await ts.api('/api/v1/server', { key: ts.createKey({ scopes: ['admin'] }) });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const info = JSON.parse(text) as Record<string, unknown>;
    const serverJson = JSON.parse(fs.readFileSync(path.join(ts.dataDir, SERVER_INFO_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(info, {
      version: PACKAGE_VERSION,
      dataDir: ts.dataDir,
      apiUrl: ts.apiUrl,
      publicUrl: ts.publicUrl,
      apiPort: Number(new URL(ts.apiUrl).port),
      publicPort: Number(new URL(ts.publicUrl).port),
      startedAt: serverJson.startedAt,
      pid: process.pid,
      nodeVersion: process.versions.node,
      electronVersion: null,
      platform: process.platform,
      arch: process.arch,
    });
    assert.ok(Date.parse(info.startedAt as string) <= Date.now());
    assert.equal(serverJson.apiUrl, info.apiUrl, 'the same facts as server.json');
  });

  test('read and write keys get 403 FORBIDDEN; no key or a malformed one 401', async () => {
    for (const scopes of [['read'], ['write'], ['read', 'write']] as const) {
      const res = await ts.api('/api/v1/server', { key: ts.createKey({ scopes: [...scopes] }) });
      const envelope = await expectError(res, 403, 'FORBIDDEN');
      assert.match(envelope.error.message, /admin/);
    }
    await expectError(await ts.api('/api/v1/server'), 401, 'UNAUTHORIZED');
    await expectError(
      await ts.api('/api/v1/server', { headers: { Authorization: 'Basic YWRtaW46YWRtaW4=' } }),
      401,
      'UNAUTHORIZED',
    );
  });

  test('it only reads: other methods are 405, and query parameters change nothing', async () => {
    const admin = ts.createKey({ scopes: ['admin'] });
    for (const method of ['POST', 'PATCH', 'DELETE']) {
      const res = await sendJson(ts, admin, '/api/v1/server', { dataDir: '/tmp/evil' }, { method });
      await expectError(res, 405, 'METHOD_NOT_ALLOWED');
    }
    // Query parameters are not read at all; the answer stays the same.
    const res = await ts.api('/api/v1/server?dataDir=/etc&version=9', { key: admin });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { dataDir: string }).dataDir, ts.dataDir);
  });

  test('is documented in OpenAPI with the admin scope and its schema', async () => {
    const doc = (await (await ts.api('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-required-scope'?: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    const op = doc.paths['/api/v1/server']!.get!;
    assert.equal(op['x-required-scope'], 'admin');
    assert.deepEqual(op.responses['403'], { $ref: '#/components/responses/Forbidden' });
    const required = doc.components.schemas.ServerInfo!.required ?? [];
    for (const field of [
      'version',
      'dataDir',
      'apiUrl',
      'publicUrl',
      'apiPort',
      'publicPort',
      'startedAt',
      'nodeVersion',
      'platform',
    ]) {
      assert.ok(required.includes(field), `ServerInfo.${field} is required`);
    }
  });
});
