/**
 * Issue 10, resource limits: a 1 GB request body, streamed (never held in
 * memory by the client either), to a JSON endpoint, to an upload endpoint and
 * to the CSV upload, with and without Content-Length, raw and multipart. Each
 * is refused with 413 long before the gigabyte is read, the server closes the
 * connection instead of reading on, its memory stays flat, and other clients
 * are answered all along. (bodies.test.ts and batch-sources.test.ts check the
 * limits themselves with small bodies; this is the attack at full size.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFixture, request } from '../helpers/cli';
import { memoryOf, streamBody } from '../helpers/faults';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

test('1 GB bodies are refused with 413 before they are read, memory stays flat, others are answered', async (t) => {
  const fixture = cliFixture(t);
  const serve = fixture.serve(['--data-dir', fixture.dataDir(), '--port', '0', '--public-port', '0']);
  const { apiUrl, publicUrl, uiKey } = await serve.ready;
  const auth = { Authorization: `Bearer ${uiKey}` };

  const created = await request(`${apiUrl}/api/v1/qrcodes`, uiKey, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'url', kind: 'dynamic', content: 'https://example.com/', slug: 'menu' }),
  });
  assert.equal(created.status, 201);
  // Warm up what a normal request loads, so the baseline is the working server's.
  for (let i = 0; i < 20; i++) {
    await (await request(`${apiUrl}/api/v1/qrcodes?limit=5`, uiKey)).arrayBuffer();
    await (await fetch(`${publicUrl}/r/menu`, { redirect: 'manual' })).arrayBuffer();
  }
  const baseline = memoryOf(serve.pid);

  // Other clients, all along: an API read and a scan, one after the other, each must succeed.
  let othersAnswered = 0;
  const othersFailed: string[] = [];
  let stopOthers = false;
  const others = (async () => {
    while (!stopOthers) {
      try {
        const list = await request(`${apiUrl}/api/v1/qrcodes?limit=5`, uiKey);
        await list.arrayBuffer();
        const scan = await fetch(`${publicUrl}/r/menu`, { redirect: 'manual' });
        await scan.arrayBuffer();
        if (list.status === 200 && scan.status === 302) othersAnswered++;
        else othersFailed.push(`${list.status}/${scan.status}`);
      } catch (err) {
        othersFailed.push(String(err));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const multipart = (filename: string, type: string) => ({
    prefix:
      `--b0undary\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      `Content-Type: ${type}\r\n\r\nurl\r\n`,
    suffix: '\r\n--b0undary--\r\n',
  });
  const cases: {
    name: string;
    path: string;
    headers: Record<string, string>;
    chunked?: boolean;
    prefix?: string;
    suffix?: string;
  }[] = [
    {
      name: 'JSON, chunked',
      path: '/api/v1/qrcodes',
      headers: { 'Content-Type': 'application/json' },
      chunked: true,
      prefix: '{"name":"',
    },
    {
      name: 'JSON, Content-Length 1 GB',
      path: '/api/v1/qrcodes',
      headers: { 'Content-Type': 'application/json' },
    },
    {
      name: 'logo upload, raw, chunked',
      path: '/api/v1/assets',
      headers: { 'Content-Type': 'image/png' },
      chunked: true,
    },
    {
      name: 'logo upload, multipart, chunked',
      path: '/api/v1/assets',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b0undary' },
      chunked: true,
      ...multipart('logo.png', 'image/png'),
    },
    {
      name: 'CSV upload, raw, chunked',
      path: '/api/v1/batch-sources',
      headers: { 'Content-Type': 'text/csv' },
      chunked: true,
      prefix: 'url\r\n',
    },
    {
      name: 'CSV upload, multipart, chunked',
      path: '/api/v1/batch-sources',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b0undary' },
      chunked: true,
      ...multipart('huge.csv', 'text/csv'),
    },
    {
      name: 'CSV upload, multipart, Content-Length 1 GB',
      path: '/api/v1/batch-sources',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b0undary' },
      ...multipart('huge.csv', 'text/csv'),
    },
  ];
  try {
    for (const c of cases) {
      const before = othersAnswered;
      const result = await streamBody(
        apiUrl,
        c.path,
        { ...auth, ...c.headers },
        {
          total: GiB,
          chunked: c.chunked,
          prefix: c.prefix,
          suffix: c.suffix,
        },
      );
      const label = `${c.name}: ${JSON.stringify({ ...result, text: result.text.slice(0, 200) })}`;
      assert.equal(result.status, 413, label);
      assert.equal((JSON.parse(result.text) as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE', label);
      // The answer came once the limit (64 MB at most) was passed, not after the gigabyte.
      assert.ok(result.writtenAtAnswer < 128 * MiB, label);
      // And the server then closed the connection instead of reading (or holding) the rest.
      assert.ok(result.cutOff, `${label}: the connection stayed open`);
      assert.ok(result.written < 256 * MiB, label);
      // Other clients were answered while this one streamed.
      const health = await fetch(`${publicUrl}/health`);
      assert.equal(health.status, 200, c.name);
      await health.arrayBuffer();
      assert.ok(othersAnswered >= before, c.name);
    }
  } finally {
    stopOthers = true;
    await others;
  }
  assert.deepEqual(othersFailed, [], 'every other request was answered');
  assert.ok(othersAnswered > 0);

  // Flat memory: the peak (VmHWM) over the whole run stayed within 200 MB of the warmed-up server.
  const after = memoryOf(serve.pid);
  t.diagnostic(
    `RSS ${baseline.rssMiB.toFixed(0)} MiB -> ${after.rssMiB.toFixed(0)} MiB, peak ${after.peakMiB.toFixed(0)} MiB`,
  );
  assert.ok(after.peakMiB - baseline.rssMiB < 200, `peak ${after.peakMiB} MiB from ${baseline.rssMiB} MiB`);

  // Nothing was created by any of it.
  const list = (await (await request(`${apiUrl}/api/v1/qrcodes`, uiKey)).json()) as { data: unknown[] };
  assert.equal(list.data.length, 1);
  const assets = (await (await request(`${apiUrl}/api/v1/assets`, uiKey)).json()) as { data: unknown[] };
  assert.equal(assets.data.length, 0);
  assert.deepEqual(await serve.stop('SIGTERM'), { code: 0, signal: null }, serve.stderr());
});
