/**
 * Issue 10, crash safety: `kill -9` of `qrdesk serve` in the middle of a
 * batch job (a CSV of 3,000 rows making dynamic codes into a ZIP, its
 * archive half-written under its `.part` name). On restart the database is
 * intact, the job is `interrupted` (never complete), nothing can be
 * downloaded (409), its partial files are gone, and the library codes it had
 * made are whole chunks: each chunk of codes is committed in one transaction,
 * so no code is half-made, and every one of them redirects.
 * (batches.test.ts covers the clean stop and a simulated crash; this is the
 * real one.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cliFixture, request } from '../helpers/cli';
import { checkDatabase } from '../helpers/faults';

const ROWS = 3000;
/** Codes per library transaction (CREATE_CHUNK in src-server/batch/job.ts). */
const CHUNK = 100;

test('kill -9 mid-batch: the job is interrupted on restart, no partial archive, library codes in whole chunks', async (t) => {
  const fixture = cliFixture(t);
  const dataDir = fixture.dataDir();
  const serve = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const { apiUrl, uiKey } = await serve.ready;

  const csv = `url,name\r\n${Array.from({ length: ROWS }, (_, i) => `https://example.com/p/${i},Item ${i}`).join('\r\n')}\r\n`;
  const up = await request(`${apiUrl}/api/v1/batch-sources`, uiKey, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv' },
    body: csv,
  });
  assert.equal(up.status, 201);
  const source = (await up.json()) as { id: string; rowCount: number };
  assert.equal(source.rowCount, ROWS);
  const res = await request(`${apiUrl}/api/v1/batches`, uiKey, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      source: { sourceId: source.id },
      type: 'url',
      kind: 'dynamic',
      library: { tags: ['crash-batch'] },
      mapping: { content: 'url', name: 'name' },
      outputs: { formats: ['png', 'svg'], size: 512 },
    }),
  });
  assert.equal(res.status, 202, await res.clone().text());
  const job = (await res.json()) as { id: string };

  // Kill it once a few chunks are made and the archive is being written.
  const part = path.join(dataDir, 'batches', job.id, 'result.zip.part');
  let processed = 0;
  for (let i = 0; i < 600; i++) {
    const state = (await (await request(`${apiUrl}/api/v1/batches/${job.id}`, uiKey)).json()) as {
      status: string;
      processed: number;
    };
    processed = state.processed;
    assert.equal(state.status === 'completed', false, 'the job finished before it could be killed');
    if (processed >= 3 * CHUNK && fs.existsSync(part)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(processed >= 3 * CHUNK && processed < ROWS, `killed at ${processed} rows`);
  assert.ok(fs.statSync(part).size > 0, 'a partial archive is on disk at the kill');
  serve.child.kill('SIGKILL');
  assert.equal((await serve.exited).signal, 'SIGKILL');

  // The file as the kill left it: intact, the job still marked running, the codes made so far in chunks.
  const before = checkDatabase(dataDir, (db) => ({
    status: (db.prepare('SELECT status FROM batch_jobs WHERE id = ?').get(job.id) as { status: string }).status,
    codes: (
      db
        .prepare(
          "SELECT COUNT(*) AS n FROM qr_codes WHERE tags LIKE '%crash-batch%' AND kind = 'dynamic' AND short_token IS NOT NULL",
        )
        .get() as { n: number }
    ).n,
  }));
  assert.equal(before.integrity, 'ok');
  assert.equal(before.read.status, 'running');
  assert.ok(before.read.codes >= CHUNK, `${before.read.codes} codes made before the kill`);
  assert.equal(before.read.codes % CHUNK, 0, `${before.read.codes} codes: whole chunks only`);

  // Restart: interrupted, nothing to download, the partial files removed, the codes usable.
  const again = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const second = await again.ready;
  const after = (await (await request(`${second.apiUrl}/api/v1/batches/${job.id}`, second.uiKey)).json()) as {
    status: string;
    downloadUrl: string | null;
    error: string | null;
  };
  assert.equal(after.status, 'interrupted');
  assert.equal(after.downloadUrl, null);
  assert.match(after.error ?? '', /stopped/);
  const download = await request(`${second.apiUrl}/api/v1/batches/${job.id}/download`, second.uiKey);
  assert.equal(download.status, 409);
  await download.arrayBuffer();
  assert.equal(fs.existsSync(path.join(dataDir, 'batches', job.id)), false, 'the partial archive is gone');
  const leftovers = fs.existsSync(path.join(dataDir, 'batches')) ? fs.readdirSync(path.join(dataDir, 'batches')) : [];
  assert.deepEqual(leftovers, [], 'no temporary file is left in the batches folder');

  const listed: { shortToken: string; content: string; name: string }[] = [];
  let cursor: string | null = null;
  do {
    const page = (await (
      await request(
        `${second.apiUrl}/api/v1/qrcodes?tag=crash-batch&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
        second.uiKey,
      )
    ).json()) as { data: typeof listed; nextCursor: string | null };
    listed.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(listed.length, before.read.codes);
  for (const code of listed.filter((_, i) => i % 50 === 0)) {
    const n = Number(/^Item (\d+)$/.exec(code.name)?.[1]);
    assert.equal(code.content, `https://example.com/p/${n}`, 'each code is whole: its name and content match');
    const scan = await fetch(`${second.publicUrl}/r/${code.shortToken}`, { redirect: 'manual' });
    assert.equal(scan.status, 302);
    assert.equal(scan.headers.get('location'), code.content);
  }
  assert.deepEqual(await again.stop('SIGTERM'), { code: 0, signal: null }, again.stderr());
});
