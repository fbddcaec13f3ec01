/**
 * Idempotency-Key on POST /api/v1/qrcodes (and where it is refused): one code
 * per key, the first answer replayed, conflicts reported, failures not burning
 * the key.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import {
  codeCount,
  createCode,
  expectError,
  expectNothingWritten,
  expectValidationError,
  keyCount,
  rawRequest,
  sendJson,
  type QrCodeBody,
} from './support';

describe('Idempotency-Key', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['admin'] });
  });
  after(() => ts.stop());

  const post = (body: unknown, idem?: string, apiKey = key) =>
    sendJson(ts, apiKey, '/api/v1/qrcodes', body, { headers: idem === undefined ? {} : { 'Idempotency-Key': idem } });

  test('the same key and body twice: one code, the same status, body and Location; the retry is marked', async () => {
    const body = { type: 'url', kind: 'dynamic', content: 'https://example.com/once', tags: ['idem'] };
    const before = codeCount(ts);
    const first = await post(body, 'create-once-1');
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null, 'the first answer is not a replay');
    const firstBody = (await first.json()) as QrCodeBody;
    for (let i = 0; i < 3; i++) {
      const again = await post(body, 'create-once-1');
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.headers.get('location'), first.headers.get('location'));
      assert.match(again.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(await again.json(), firstBody);
    }
    assert.equal(codeCount(ts), before + 1, 'one code');
    // The same JSON with other white space is the same body.
    const spaced = await post(JSON.stringify(body, null, 2), 'create-once-1');
    assert.equal(spaced.status, 201);
    assert.equal(spaced.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await spaced.json(), firstBody);
    assert.equal(codeCount(ts), before + 1);
  });

  test('the same key with a different body is 409 IDEMPOTENCY_CONFLICT, and so is another path', async () => {
    const created = await createCode(ts, key, { type: 'text', content: 'placeholder' });
    const first = await post({ type: 'text', content: 'first' }, 'conflict-1');
    assert.equal(first.status, 201);
    await first.arrayBuffer();
    await expectNothingWritten(ts, async () => {
      await expectError(await post({ type: 'text', content: 'second' }, 'conflict-1'), 409, 'IDEMPOTENCY_CONFLICT');
      await expectError(
        await sendJson(
          ts,
          key,
          '/api/v1/qrcodes/bulk',
          { items: [{ type: 'text', content: 'first' }] },
          {
            headers: { 'Idempotency-Key': 'conflict-1' },
          },
        ),
        409,
        'IDEMPOTENCY_CONFLICT',
      );
    });
    // The original answer is still there for the original body.
    const replay = await post({ type: 'text', content: 'first' }, 'conflict-1');
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.notEqual(((await replay.json()) as QrCodeBody).id, created.id);
  });

  test('keys are per API key: two API keys with one Idempotency-Key create two codes', async () => {
    const other = ts.createKey({ scopes: ['write'] });
    const body = { type: 'text', content: 'shared key' };
    const a = await post(body, 'shared-idem', key);
    const b = await post(body, 'shared-idem', other);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.headers.get('idempotent-replayed'), null);
    const [ca, cb] = [(await a.json()) as QrCodeBody, (await b.json()) as QrCodeBody];
    assert.notEqual(ca.id, cb.id);
    // And each replays its own.
    const a2 = await post(body, 'shared-idem', key);
    const b2 = await post(body, 'shared-idem', other);
    assert.equal(((await a2.json()) as QrCodeBody).id, ca.id);
    assert.equal(((await b2.json()) as QrCodeBody).id, cb.id);
    // Another body under the other API key's idempotency key is its own conflict.
    await expectError(
      await post({ type: 'text', content: 'changed' }, 'shared-idem', other),
      409,
      'IDEMPOTENCY_CONFLICT',
    );
  });

  test('an empty key is ignored; 255 visible ASCII characters are fine; longer or other characters are 400', async () => {
    const body = { type: 'text', content: 'empty key' };
    const before = codeCount(ts);
    for (let i = 0; i < 2; i++) {
      const res = await post(body, '');
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('idempotent-replayed'), null);
      await res.arrayBuffer();
    }
    assert.equal(codeCount(ts), before + 2, 'without a key, each POST creates');

    const max = `k${'~'.repeat(253)}!`;
    assert.equal(max.length, 255);
    assert.equal((await post(body, max)).status, 201);
    assert.equal((await post(body, max)).headers.get('idempotent-replayed'), 'true');

    await expectNothingWritten(ts, async () => {
      for (const bad of ['x'.repeat(256), 'x'.repeat(300), 'with space', 'tab\tinside']) {
        await expectValidationError(await post(body, bad), 'Idempotency-Key');
      }
      // Bytes outside ASCII (sent as Latin-1, as node:http allows).
      for (const bad of ['clé-1', 'naïve', '\u00a0nbsp']) {
        const res = await rawRequest(ts.apiUrl, '/api/v1/qrcodes', {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${key}`,
            'Content-Type': 'application/json',
            'Idempotency-Key': bad,
          },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 400, `${JSON.stringify(bad)}: ${res.text}`);
        const envelope = res.json() as { error: { code: string; details: { path: string }[] } };
        assert.equal(envelope.error.code, 'VALIDATION_ERROR');
        assert.equal(envelope.error.details[0]!.path, 'Idempotency-Key');
      }
    });
  });

  test('POST /api/v1/api-keys refuses an Idempotency-Key (its answer holds a secret) and creates no key', async () => {
    const before = keyCount(ts);
    const res = await sendJson(
      ts,
      key,
      '/api/v1/api-keys',
      { name: 'idem' },
      {
        headers: { 'Idempotency-Key': 'key-1' },
      },
    );
    await expectValidationError(res, 'Idempotency-Key');
    assert.equal(keyCount(ts), before);
    const count = ts.store.db.prepare('SELECT COUNT(*) AS n FROM idempotency_keys WHERE idem_key = ?').get('key-1') as {
      n: number;
    };
    assert.equal(count.n, 0, 'nothing stored for it');
  });

  test('a failed request does not burn the key: the fixed body under the same key is created', async () => {
    await expectNothingWritten(ts, async () => {
      await expectValidationError(await post({ type: 'url', content: 'javascript:alert(1)' }, 'fix-me'), 'content');
    });
    const fixed = await post({ type: 'url', content: 'https://example.com/fixed' }, 'fix-me');
    assert.equal(fixed.status, 201);
    assert.equal(fixed.headers.get('idempotent-replayed'), null);
    await fixed.arrayBuffer();

    // A 409 from the handler (a taken slug) is not stored either.
    await createCode(ts, key, { type: 'url', kind: 'dynamic', slug: 'busy-slug', content: 'https://a.example' });
    const clash = { type: 'url', kind: 'dynamic', slug: 'busy-slug', content: 'https://b.example' };
    await expectError(await post(clash, 'slug-retry'), 409, 'CONFLICT');
    await expectError(await post(clash, 'slug-retry'), 409, 'CONFLICT');
    const other = await post({ ...clash, slug: 'free-slug' }, 'slug-retry');
    assert.equal(other.status, 201);
    assert.equal(((await other.json()) as QrCodeBody).shortToken, 'free-slug');
  });

  test('concurrent requests with one key create one code', async () => {
    const before = codeCount(ts);
    // A password makes the first request slow (scrypt), so the others arrive while it runs.
    const body = {
      type: 'url',
      kind: 'dynamic',
      content: 'https://example.com/race',
      protection: { password: 'hunter22' },
    };
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(body, 'race-1')));
    const statuses = responses.map((r) => r.status);
    for (const res of responses) {
      if (res.status === 409) {
        const envelope = await expectError(res, 409, 'CONFLICT');
        assert.match(envelope.error.message, /still being processed/);
        assert.equal(res.headers.get('retry-after'), '1');
      } else {
        assert.equal(res.status, 201);
        await res.arrayBuffer();
      }
    }
    assert.equal(statuses.filter((s) => s === 201).length >= 1, true);
    assert.equal(codeCount(ts), before + 1, `one code for ${statuses.join(',')}`);
    const after = await post(body, 'race-1');
    assert.equal(after.status, 201);
    assert.equal(after.headers.get('idempotent-replayed'), 'true');
    await after.arrayBuffer();
  });

  test('the header is refused where it is not supported, and ignored on methods other than POST', async () => {
    const code = await createCode(ts, key, { type: 'text', content: 'x' });
    // Folders honour it like every POST but key creation.
    const folder = await sendJson(ts, key, '/api/v1/folders', { name: 'f' }, { headers: { 'Idempotency-Key': 'f-1' } });
    assert.equal(folder.status, 201);
    const again = await sendJson(ts, key, '/api/v1/folders', { name: 'f' }, { headers: { 'Idempotency-Key': 'f-1' } });
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await again.json(), await folder.json());
    const patched = await sendJson(
      ts,
      key,
      `/api/v1/qrcodes/${code.id}`,
      { name: 'renamed' },
      {
        method: 'PATCH',
        headers: { 'Idempotency-Key': 'patch-1' },
      },
    );
    assert.equal(patched.status, 200);
    assert.equal(((await patched.json()) as QrCodeBody).name, 'renamed');
  });
});

describe('idempotency across restarts', () => {
  test('a claim left by a crash mid-request does not block its key after a restart; fingerprints are keyed', async (t) => {
    const dataDir = tempDataDir();
    let ts = await startTestServer({ dataDir });
    t.after(() => ts.stop());
    const key = ts.createKey({ scopes: ['write'] });
    const keyId = (ts.store.db.prepare('SELECT id FROM api_keys').get() as { id: string }).id;
    // What a process killed between claiming the key and answering leaves behind.
    ts.store.db
      .prepare('INSERT INTO idempotency_keys (key_id, idem_key, request_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(keyId, 'crashed', Buffer.alloc(32), Date.now());
    await ts.stop({ keepData: true });

    ts = await startTestServer({ dataDir });
    const body = JSON.stringify({ type: 'text', content: 'after the crash' });
    const res = await ts.api('/api/v1/qrcodes', {
      key,
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'crashed' },
    });
    assert.equal(res.status, 201, await res.clone().text());
    await res.arrayBuffer();

    // The stored fingerprint is an HMAC under the install secret (a 0600 file), not a plain hash of the body.
    const secretFile = path.join(dataDir, 'secret');
    assert.equal(fs.statSync(secretFile).mode & 0o777, 0o600);
    const stored = ts.store.db
      .prepare("SELECT request_hash FROM idempotency_keys WHERE idem_key = 'crashed'")
      .get() as { request_hash: Buffer };
    // Fingerprints cover the body with its keys sorted, so key order alone does not make a conflict.
    const canonicalBody = JSON.stringify({ content: 'after the crash', type: 'text' });
    const plain = createHash('sha256').update(`POST /api/v1/qrcodes\n${canonicalBody}`).digest();
    const keyed = createHmac('sha256', fs.readFileSync(secretFile))
      .update(`POST /api/v1/qrcodes\n${canonicalBody}`)
      .digest();
    assert.ok(!stored.request_hash.equals(plain));
    assert.ok(stored.request_hash.equals(keyed));
  });
});
