/**
 * Issue 10, resource limits: the disk under the data folder fills up. `qrdesk
 * serve` runs on a small tmpfs that the test then fills. Writes are refused
 * with 507 INSUFFICIENT_STORAGE and change nothing; the server stays up and
 * keeps answering reads; a scan it cannot record is not redirected (503), so
 * every redirect answered is still a recorded scan; a batch cannot leave a
 * partial result. Once space is freed everything works again, the shutdown is
 * clean, and the database passes integrity_check with every acknowledged
 * write in it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cliFixture, request } from '../helpers/cli';
import { checkDatabase, fillDisk, isAlive, mountTmpfs, tmpfsUnavailable } from '../helpers/faults';

const skip = tmpfsUnavailable();
const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

interface Envelope {
  error: { code: string; message: string };
}

test(
  'a full disk: 507 on writes, reads and the server stay up, no answered scan lost, all fine once freed',
  { skip: skip ?? false },
  async (t) => {
    const fixture = cliFixture(t);
    const tiny = mountTmpfs(os.tmpdir(), 24);
    fixture.defer(() => tiny.unmount());
    const dataDir = path.join(tiny.dir, 'data');
    const serve = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
    const { apiUrl, publicUrl, uiKey } = await serve.ready;
    const post = (pathname: string, body: unknown) =>
      request(`${apiUrl}${pathname}`, uiKey, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const scan = async () => {
      const res = await fetch(`${publicUrl}/r/menu`, { redirect: 'manual', headers: { 'User-Agent': PHONE_UA } });
      await res.arrayBuffer();
      return res.status;
    };

    // Acknowledged writes, checked in the database at the end.
    const acknowledged: string[] = [];
    const createCode = async (i: number) => {
      const res = await post('/api/v1/qrcodes', { type: 'text', content: `note ${i} ${'x'.repeat(1000)}` });
      const body = (await res.json()) as { id: string } & Envelope;
      if (res.status === 201) acknowledged.push(body.id);
      return { status: res.status, body };
    };
    const menu = await post('/api/v1/qrcodes', {
      type: 'url',
      kind: 'dynamic',
      content: 'https://example.com/',
      slug: 'menu',
    });
    assert.equal(menu.status, 201);
    acknowledged.push(((await menu.json()) as { id: string }).id);
    for (let i = 0; i < 5; i++) assert.equal((await createCode(i)).status, 201);
    let redirected = 0;
    for (let i = 0; i < 20; i++) if ((await scan()) === 302) redirected++;
    assert.equal(redirected, 20);

    // A batch big enough to be running when the disk fills up.
    const batch = await post('/api/v1/batches', {
      source: { items: Array.from({ length: 400 }, (_, i) => ({ content: `https://example.com/${i}` })) },
      type: 'url',
      outputs: { formats: ['png', 'svg'], size: 1024 },
    });
    assert.equal(batch.status, 202);
    const jobId = ((await batch.json()) as { id: string }).id;
    const job = async () =>
      (await (await request(`${apiUrl}/api/v1/batches/${jobId}`, uiKey)).json()) as {
        status: string;
        processed: number;
        error: string | null;
      };
    for (let i = 0; i < 300 && (await job()).processed === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await job()).status, 'running');

    // Fill the disk to the last byte.
    const ballast = path.join(dataDir, 'ballast');
    fillDisk(ballast);

    // Writes: SQLite may still find room in pages it already has, but soon every write is refused, and
    // every refusal is the documented 507 with a message that says what to do.
    const refusals: Envelope[] = [];
    for (let i = 0; i < 400 && refusals.length < 10; i++) {
      const { status, body } = await createCode(100 + i);
      if (status === 201) continue;
      assert.equal(status, 507, JSON.stringify(body));
      refusals.push(body);
    }
    assert.equal(refusals.length, 10, 'writes are refused once the disk is full');
    for (const { error } of refusals) {
      assert.equal(error.code, 'INSUFFICIENT_STORAGE');
      assert.match(error.message, /disk .* is full/);
    }
    const csv = await request(`${apiUrl}/api/v1/batch-sources`, uiKey, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: `url\r\n${'https://example.com/a\r\n'.repeat(2000)}`,
    });
    assert.equal(csv.status, 507, await csv.text());
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'batch-sources')).length, 0, 'no partial CSV left');

    // Scans: a redirect is answered only once its scan is committed; the others are a 503 page.
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push(await scan());
    assert.deepEqual(
      statuses.filter((s) => s !== 302 && s !== 503),
      [],
    );
    assert.ok(statuses.includes(503), 'scans that cannot be recorded are not redirected');
    redirected += statuses.filter((s) => s === 302).length;

    // Reads and health go on, and the process is up.
    const list = await request(`${apiUrl}/api/v1/qrcodes?limit=200`, uiKey);
    assert.equal(list.status, 200);
    const listed = ((await list.json()) as { data: { id: string }[] }).data.map((c) => c.id);
    for (const id of acknowledged) assert.ok(listed.includes(id), `${id} is listed`);
    for (const base of [apiUrl, publicUrl]) assert.equal((await fetch(`${base}/health`)).status, 200);
    assert.ok(isAlive(serve.pid), 'the server is still running');
    // Its log file could not be written either: said once on stderr, and the server carried on.
    assert.match(serve.stderr(), /cannot write the log file \(ENOSPC\)/);

    // The batch cannot finish its archive: it never completes, and nothing can be downloaded. (Its end
    // is written once there is room; its progress writes failing meanwhile must not stop the server.)
    for (let i = 0; i < 300 && (await job()).processed < 400 && (await job()).status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(['running', 'failed'].includes((await job()).status), (await job()).status);
    const download = await request(`${apiUrl}/api/v1/batches/${jobId}/download`, uiKey);
    assert.equal(download.status, 409);
    await download.arrayBuffer();
    assert.ok(isAlive(serve.pid), 'the server is still running');

    // Free the space: writes, uploads and scans work again.
    fs.rmSync(ballast);
    assert.equal((await createCode(1000)).status, 201);
    const csvAgain = await request(`${apiUrl}/api/v1/batch-sources`, uiKey, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: 'url\r\nhttps://example.com/a\r\n',
    });
    assert.equal(csvAgain.status, 201, await csvAgain.text());
    for (let i = 0; i < 10; i++) assert.equal(await scan(), 302);
    redirected += 10;
    // The batch's end is recorded: failed, saying why, with no partial archive left.
    for (let i = 0; i < 100 && (await job()).status === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    const ended = await job();
    assert.equal(ended.status, 'failed', 'a batch that could not write its result fails');
    assert.match(ended.error ?? '', /disk .* is full/);
    assert.equal(fs.existsSync(path.join(dataDir, 'batches', jobId)), false, 'no partial archive left');

    // Again, with the batch results on another disk (the batches folder a link to it): the job renders on
    // while the database cannot take its progress; its end is recorded once there is room, and the
    // archive is whole.
    const roomy = fixture.dataDir();
    fs.rmSync(path.join(dataDir, 'batches'), { recursive: true, force: true });
    fs.symlinkSync(roomy, path.join(dataDir, 'batches'));
    const second = await post('/api/v1/batches', {
      source: { items: Array.from({ length: 300 }, (_, i) => ({ content: `https://example.com/again/${i}` })) },
      type: 'url',
      outputs: { formats: ['png', 'svg'], size: 1024 },
    });
    assert.equal(second.status, 202);
    const secondId = ((await second.json()) as { id: string }).id;
    const secondJob = async () =>
      (await (await request(`${apiUrl}/api/v1/batches/${secondId}`, uiKey)).json()) as {
        status: string;
        processed: number;
      };
    for (let i = 0; i < 300 && (await secondJob()).status === 'queued'; i++)
      await new Promise((r) => setTimeout(r, 50));
    fillDisk(ballast);
    // The database is full again: writes are refused in a row.
    let refusedInARow = 0;
    for (let i = 0; i < 400 && refusedInARow < 5; i++) {
      refusedInARow = (await createCode(2000 + i)).status === 507 ? refusedInARow + 1 : 0;
    }
    assert.equal(refusedInARow, 5);
    // Its progress is written every 250 ms: those writes fail now, and must not stop the server. It runs
    // to its last row with the disk still full, so its end cannot be written until there is room.
    for (let i = 0; i < 600 && (await secondJob()).processed < 300; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(isAlive(serve.pid), 'the server is still running');
    assert.ok(['running', 'completed'].includes((await secondJob()).status));
    fs.rmSync(ballast);
    for (let i = 0; i < 300 && (await secondJob()).status === 'running'; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal((await secondJob()).status, 'completed');
    const archive = await request(`${apiUrl}/api/v1/batches/${secondId}/download`, uiKey);
    assert.equal(archive.status, 200);
    const bytes = Buffer.from(await archive.arrayBuffer());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');
    assert.equal(bytes.length, fs.statSync(path.join(roomy, secondId, 'result.zip')).size);

    assert.deepEqual(await serve.stop('SIGTERM'), { code: 0, signal: null }, serve.stderr());
    const logs = fs
      .readdirSync(path.join(dataDir, 'logs'))
      .map((f) => fs.readFileSync(path.join(dataDir, 'logs', f), 'utf8'))
      .join('');
    assert.match(logs, /server stopping/, 'the log is written again once there is room');

    const check = checkDatabase(dataDir, (db) => ({
      ids: new Set((db.prepare('SELECT id FROM qr_codes').all() as { id: string }[]).map((r) => r.id)),
      scans: (
        db
          .prepare("SELECT COUNT(*) AS n FROM scans JOIN qr_codes q ON q.id = qr_code_id WHERE short_token = 'menu'")
          .get() as { n: number }
      ).n,
      counted: (db.prepare("SELECT scan_count AS n FROM qr_codes WHERE short_token = 'menu'").get() as { n: number }).n,
    }));
    assert.equal(check.integrity, 'ok');
    for (const id of acknowledged) assert.ok(check.read.ids.has(id), `acknowledged code ${id} is in the database`);
    assert.equal(check.read.ids.size, acknowledged.length, 'and nothing refused was written');
    // Every redirect answered has its scan, and no refused scan was written.
    assert.equal(check.read.scans, redirected);
    assert.equal(check.read.counted, redirected, "the code's counter moved in the same transactions");
  },
);
