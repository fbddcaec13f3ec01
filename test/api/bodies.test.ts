import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import { assertEnvelope, expectError, keyCount, postChunked, rawRequest } from './support';

describe('request bodies', () => {
  let ts: TestServer;
  let admin: string;
  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey({ scopes: ['admin'] });
  });
  after(() => ts.stop());

  const post = (body: string, contentType?: string) =>
    ts.api('/api/v1/api-keys', {
      key: admin,
      method: 'POST',
      headers: contentType ? { 'Content-Type': contentType } : {},
      body,
    });

  test('invalid JSON is 400 INVALID_BODY and creates nothing', async () => {
    for (const text of ['{', '{"name": "x",}', "{'name': 'x'}", 'name=x', '{"name": "x"} trailing', '\u0000']) {
      const before = keyCount(ts);
      await expectError(await post(text, 'application/json'), 400, 'INVALID_BODY');
      assert.equal(keyCount(ts), before, `nothing created for ${JSON.stringify(text)}`);
    }
  });

  test('bytes that are not UTF-8 are 400 INVALID_BODY, not stored as replacement characters', async () => {
    const before = keyCount(ts);
    for (const bad of [Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0xe9, 0x74, 0xe9])]) {
      const body = Buffer.concat([Buffer.from('{"name":"'), bad, Buffer.from('"}')]);
      const res = await rawRequest(ts.apiUrl, '/api/v1/api-keys', {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body,
      });
      assertEnvelope(res.status, res.json(), 400, 'INVALID_BODY');
    }
    assert.equal(keyCount(ts), before);
    assert.equal(
      (
        ts.store.db.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE name LIKE '%' || char(65533) || '%'").get() as {
          n: number;
        }
      ).n,
      0,
    );
  });

  test('a 2 MB JSON body is 413 PAYLOAD_TOO_LARGE and creates nothing', async () => {
    const before = keyCount(ts);
    const big = JSON.stringify({ name: 'big', padding: 'x'.repeat(2 * 1024 * 1024) });
    const res = await post(big, 'application/json');
    await expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    assert.equal(keyCount(ts), before);
  });

  test('a 2 MB chunked body (no Content-Length) is 413 too', async () => {
    const before = keyCount(ts);
    const chunk = 'x'.repeat(64 * 1024);
    const status = await postChunked(
      ts.apiUrl,
      '/api/v1/api-keys',
      { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      ['{"name":"chunked","padding":"', ...Array.from({ length: 32 }, () => chunk), '"}'],
    );
    assertEnvelope(status.status, JSON.parse(status.text), 413, 'PAYLOAD_TOO_LARGE');
    assert.equal(keyCount(ts), before);
  });

  test('a body just under the limit is read (and then validated)', async () => {
    const before = keyCount(ts);
    const res = await post(JSON.stringify({ name: 'n'.repeat(900 * 1024) }), 'application/json');
    await expectError(res, 400, 'VALIDATION_ERROR');
    assert.equal(keyCount(ts), before);
  });

  test('text/plain is 415 UNSUPPORTED_MEDIA_TYPE, even with valid JSON inside', async () => {
    const before = keyCount(ts);
    await expectError(await post(JSON.stringify({ name: 'plain' }), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(await post('name=form', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(
      await post(JSON.stringify({ name: 'multipart' }), 'multipart/form-data; boundary=x'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    assert.equal(keyCount(ts), before);
  });

  test('a JSON body with no Content-Type is 415', async () => {
    const before = keyCount(ts);
    const res = await rawRequest(ts.apiUrl, '/api/v1/api-keys', {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name: 'no type' }),
    });
    assertEnvelope(res.status, res.json(), 415, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(keyCount(ts), before);
  });

  test('JSON declared as latin1 is 415; UTF-8 in any spelling is accepted', async () => {
    const before = keyCount(ts);
    for (const charset of ['latin1', 'iso-8859-1', 'utf-16']) {
      const res = await post(JSON.stringify({ name: 'latin' }), `application/json; charset=${charset}`);
      await expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    assert.equal(keyCount(ts), before);
    for (const type of [
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json; charset=utf8',
      'application/json',
    ]) {
      const res = await post(JSON.stringify({ name: 'café' }), type);
      assert.equal(res.status, 201, type);
      assert.equal(((await res.json()) as { name: string }).name, 'café');
    }
    assert.equal(keyCount(ts), before + 4);
  });

  test('a body on an endpoint that takes none is refused', async () => {
    const target = ts.createKey({ scopes: ['read'] });
    const id = (await (await ts.api('/api/v1/auth/verify', { key: target })).json()) as { id: string };
    const res = await ts.api(`/api/v1/api-keys/${id.id}`, {
      key: admin,
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ really: true }),
    });
    await expectError(res, 400, 'VALIDATION_ERROR');
    const still = await ts.api('/api/v1/auth/verify', { key: target });
    assert.equal(still.status, 200, 'the key was not revoked');
    await still.arrayBuffer();
  });

  test('body checks come after authentication: a bad body without a key is 401', async () => {
    const res = await ts.api('/api/v1/api-keys', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '{',
    });
    await expectError(res, 401, 'UNAUTHORIZED');
  });
});
