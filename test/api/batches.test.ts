/**
 * Batch jobs over HTTP, on the real server: a CSV of hostile values becomes
 * a ZIP of SVG and PNG files whose names follow the pattern, are unique and
 * safe on every file system, and every one of which decodes to its row's
 * content (read back with sharp and ZXing, not our rasteriser); progress as
 * server-sent events; cancel mid-run and restarts leave nothing that looks
 * complete; label sheets; dynamic codes in the library; the report of failed
 * rows, formula-safe; bad requests refused with nothing written; scopes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { labelRect, PT_PER_MM, slotOf } from '../../src-server/batch/sheets/layout';
import { decodeImage } from '../../src-server/render/decoder';
import type { BatchJob, BatchSourceCreated } from '../../src-shared/schemas/batches';
import { sheetTemplate } from '../../src-shared/schemas/sheets';
import { openExport } from '../helpers/open-export';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { expectError, expectValidationError } from './support';

const FINISHED = ['completed', 'completed_with_errors', 'failed', 'cancelled', 'interrupted'];
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)\s*(\..*)?$/i;

/** Every entry of a ZIP, read by Python's zipfile (which also checks each entry's CRC). */
function unzip(bytes: Buffer): Map<string, Buffer> {
  const script =
    'import sys, io, json, base64, zipfile\n' +
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\n' +
    'assert z.testzip() is None\n' +
    'print(json.dumps([[i.filename, base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))';
  const out = execFileSync('python3', ['-c', script], { input: bytes, maxBuffer: 256 << 20 });
  return new Map(
    (JSON.parse(out.toString('utf8')) as [string, string][]).map(([n, b]) => [n, Buffer.from(b, 'base64')]),
  );
}

async function decodeFile(bytes: Buffer, format: string): Promise<string[]> {
  return (await decodeImage(await openExport(bytes, format))).map((d) => d.text);
}

/** A file name that no file system would misread: one component, no separators, no reserved or hidden name. */
function assertSafeName(name: string): void {
  assert.equal(path.basename(name), name, `${name} is one path component`);
  assert.doesNotMatch(name, /[/\\:*?"<>|\p{Cc}]/u, `${name} has no separator or forbidden character`);
  assert.ok(name !== '.' && name !== '..' && !name.startsWith('.'), `${name} is not hidden nor a dot name`);
  assert.doesNotMatch(name, RESERVED, `${name} is not a Windows device name`);
  assert.doesNotMatch(name, /[ .]$/, `${name} does not end in a space or dot`);
  assert.ok(name.length <= 255);
}

/** A tiny RFC 4180 reader for the report. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

interface SseEvent {
  event: string;
  data: unknown;
}

/** Server-sent events from a response, as they arrive. */
async function* sseEvents(res: Response): AsyncGenerator<SseEvent> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) yield { event, data: JSON.parse(data.join('\n')) };
    }
  }
}

const urlRows = (n: number, prefix = 'https://shop.example/p/') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(6, '0')},Item ${i + 1}`);

describe('batch jobs', () => {
  let ts: TestServer;
  let key: string;
  let readKey: string;

  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
    readKey = ts.createKey({ scopes: ['read'] });
  });
  after(() => ts.stop());

  const batchesDir = () => path.join(ts.dataDir, 'batches');
  const jobCount = () => (ts.store.db.prepare('SELECT COUNT(*) AS n FROM batch_jobs').get() as { n: number }).n;
  const dirEntries = () => (fs.existsSync(batchesDir()) ? fs.readdirSync(batchesDir()).sort() : []);

  const uploadCsv = async (csv: string): Promise<BatchSourceCreated> => {
    const res = await ts.api('/api/v1/batch-sources', {
      key,
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: csv,
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    return JSON.parse(text) as BatchSourceCreated;
  };

  const post = (body: unknown, { as = key, headers = {} } = {}) =>
    ts.api('/api/v1/batches', {
      key: as,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  const create = async (body: unknown): Promise<BatchJob> => {
    const res = await post(body);
    const text = await res.text();
    assert.equal(res.status, 202, text);
    const job = JSON.parse(text) as BatchJob;
    assert.equal(res.headers.get('location'), `/api/v1/batches/${job.id}`);
    return job;
  };

  const getJob = async (id: string): Promise<BatchJob> => {
    const res = await ts.api(`/api/v1/batches/${id}`, { key: readKey });
    assert.equal(res.status, 200);
    return (await res.json()) as BatchJob;
  };

  async function waitDone(id: string): Promise<BatchJob> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const job = await getJob(id);
      if (FINISHED.includes(job.status)) return job;
      assert.ok(Date.now() < deadline, `job ${id} still ${job.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const download = async (id: string, as = readKey) => {
    const res = await ts.api(`/api/v1/batches/${id}/download`, { key: as });
    assert.equal(res.status, 200, await res.clone().text());
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  // ------------------------------------------------------------------ the hostile CSV

  const HOSTILE_NAMES = [
    '../../etc/passwd',
    'CON',
    'aux.txt',
    '/etc/shadow',
    'C:\\Windows\\System32\\evil',
    'dup',
    'dup',
    'DUP',
    'a/b\\c',
    "=cmd|' /C calc'!A0",
    '..',
    '.hidden',
    'nul.tar.gz',
    'name:with*bad?chars<>|',
    'café ☕',
    '日本語',
    'COM1',
    'LPT9.log',
    '',
  ];
  /** Rows that must fail, with the field at fault. */
  const BAD_ROWS = [
    ['not a url', 'Bad'],
    ['=HYPERLINK("http://evil.example")', 'Evil'],
    ['javascript:alert(1)', 'JS'],
    ['https://shop.example/long', 'x'.repeat(150)],
  ];
  const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const hostileCsv = () => {
    const lines = ['=url,name'];
    HOSTILE_NAMES.forEach((name, i) => lines.push(`https://shop.example/h/${i + 1},${csvCell(name)}`));
    for (const [url, name] of BAD_ROWS) lines.push(`${csvCell(url!)},${csvCell(name!)}`);
    for (let i = 1; i <= 7; i++) lines.push(`https://shop.example/item/${i},Item ${i}`);
    return `${lines.join('\r\n')}\r\n`;
  };
  const hostileUrl = (row: number): string | null => {
    if (row <= HOSTILE_NAMES.length) return `https://shop.example/h/${row}`;
    if (row <= HOSTILE_NAMES.length + BAD_ROWS.length) return null;
    return `https://shop.example/item/${row - HOSTILE_NAMES.length - BAD_ROWS.length}`;
  };

  let hostileJob: BatchJob;
  let hostileEvents: SseEvent[];

  test('a CSV of hostile values becomes a ZIP of SVG and PNG files named by the pattern, safe, unique, each decoding to its row', async () => {
    const source = await uploadCsv(hostileCsv());
    const total = HOSTILE_NAMES.length + BAD_ROWS.length + 7;
    assert.equal(source.rowCount, total);
    const queued = await create({
      source: { sourceId: source.id },
      type: 'url',
      mapping: { content: '=url', name: 'name' },
      outputs: { formats: ['svg', 'png'], size: 256, fileNamePattern: '{seq:05}-{name}' },
    });
    assert.equal(queued.total, total);
    assert.ok(['queued', 'running'].includes(queued.status));
    assert.equal(queued.downloadUrl, null);

    // Follow it as events, from right after it was accepted.
    const res = await ts.api(`/api/v1/batches/${queued.id}/events`, { key: readKey });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    hostileEvents = [];
    for await (const e of sseEvents(res)) hostileEvents.push(e);

    hostileJob = await getJob(queued.id);
    assert.equal(hostileJob.status, 'completed_with_errors');
    assert.equal(hostileJob.total, total);
    assert.equal(hostileJob.processed, total);
    assert.equal(hostileJob.failed, BAD_ROWS.length);
    assert.equal(hostileJob.eta, 0);
    assert.equal(hostileJob.downloadUrl, `/api/v1/batches/${queued.id}/download`);

    const { res: dl, bytes } = await download(queued.id);
    assert.equal(dl.headers.get('content-type'), 'application/zip');
    assert.match(
      dl.headers.get('content-disposition') ?? '',
      /^attachment; filename="qrdesk-batch_[A-Za-z0-9_-]+\.zip"$/,
    );
    assert.equal(Number(dl.headers.get('content-length')), bytes.length);
    const files = unzip(bytes);
    const good = total - BAD_ROWS.length;
    assert.equal(files.size, good * 2, [...files.keys()].join('\n'));

    const lower = new Set<string>();
    const bySeq = new Map<number, string[]>();
    for (const name of files.keys()) {
      assertSafeName(name);
      assert.ok(!lower.has(name.toLowerCase()), `${name} is unique (case-insensitively)`);
      lower.add(name.toLowerCase());
      const m = /^(\d{5})-(.+)\.(svg|png)$/u.exec(name);
      assert.ok(m, `${name} follows {seq:05}-{name}`);
      const seq = Number(m[1]);
      bySeq.set(seq, [...(bySeq.get(seq) ?? []), name]);
    }
    // One SVG and one PNG of the same name for every good row, none for the bad ones.
    for (let row = 1; row <= total; row++) {
      const names = bySeq.get(row) ?? [];
      if (hostileUrl(row) === null) assert.deepEqual(names, [], `row ${row} is bad: no file`);
      else assert.deepEqual(names.map((n) => n.slice(-3)).sort(), ['png', 'svg'], `row ${row}: ${names.join(', ')}`);
    }
    assert.ok(files.has('00029-Item 6.png') && files.has('00029-Item 6.svg'), 'plain names are kept as they are');
    assert.ok(files.has('00015-café ☕.svg'), 'non-ASCII names are kept');
    assert.ok(files.has('00002-_CON.svg'), 'each value is made safe on its own, reserved names included');

    // Every file decodes, read the way a user's tools read it, to its row's content.
    for (const [name, file] of files) {
      const row = Number(name.slice(0, 5));
      assert.deepEqual(await decodeFile(file, name.slice(-3)), [hostileUrl(row)], name);
    }
  });

  test('progress arrives as events, in order, ending with one done event carrying the final job', () => {
    assert.ok(hostileEvents.length >= 2, JSON.stringify(hostileEvents));
    const last = hostileEvents[hostileEvents.length - 1]!;
    assert.equal(last.event, 'done');
    assert.deepEqual(last.data, hostileJob);
    const progress = hostileEvents.slice(0, -1);
    assert.ok(progress.length >= 1);
    let previous = -1;
    for (const e of progress) {
      assert.equal(e.event, 'progress');
      const data = e.data as { processed: number; failed: number; total: number; eta: number | null };
      assert.deepEqual(Object.keys(data).sort(), ['eta', 'failed', 'processed', 'total']);
      assert.equal(data.total, hostileJob.total);
      assert.ok(data.processed >= previous, 'processed never goes back');
      assert.ok(data.failed <= data.processed);
      previous = data.processed;
    }
  });

  test('a finished job sends done at once and ends the stream', async () => {
    const res = await ts.api(`/api/v1/batches/${hostileJob.id}/events`, { key: readKey });
    const events: SseEvent[] = [];
    for await (const e of sseEvents(res)) events.push(e);
    assert.deepEqual(events, [{ event: 'done', data: hostileJob }]);
  });

  test('report.csv lists the failed rows with line, column and message, every cell formula-safe', async () => {
    const res = await ts.api(`/api/v1/batches/${hostileJob.id}/report.csv`, { key: readKey });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    const rows = parseCsv(await res.text());
    assert.deepEqual(rows[0], ['row', 'line', 'column', 'columnIndex', 'field', 'message']);
    const body = rows.slice(1);
    const firstBad = HOSTILE_NAMES.length + 1;
    assert.deepEqual([...new Set(body.map((r) => Number(r[0])))], [firstBad, firstBad + 1, firstBad + 2, firstBad + 3]);
    for (const r of body) {
      assert.equal(Number(r[1]), Number(r[0]) + 1, 'the line counts the header');
      for (const cell of r)
        assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${JSON.stringify(cell)} cannot run as a formula`);
    }
    const urlProblems = body.filter((r) => r[4] === 'content');
    assert.equal(urlProblems.length, 3);
    // The hostile header is data: it comes back with the apostrophe that makes a spreadsheet show it as text.
    for (const r of urlProblems) assert.equal(r[2], "'=url");
    assert.ok(
      body.some((r) => r[4] === 'name' && /100/.test(r[5]!)),
      'the long name is reported',
    );
  });

  test('file names from {name} alone: reserved device names, paths and repeats are made safe and unique', async () => {
    const names = ['CON', 'aux.txt', 'dup', 'dup', 'DUP', '../x', '/abs/path', 'nul.tar.gz', 'COM1', 'lpt1.txt', 'ok'];
    const queued = await create({
      source: { items: names.map((name, i) => ({ content: `https://names.example/${i + 1}`, name })) },
      type: 'url',
      outputs: { formats: ['svg'], fileNamePattern: '{name}' },
    });
    const job = await waitDone(queued.id);
    assert.equal(job.status, 'completed');
    const files = unzip((await download(job.id)).bytes);
    const list = [...files.keys()];
    assert.equal(list.length, names.length);
    for (const name of list) assertSafeName(name);
    assert.equal(new Set(list.map((n) => n.toLowerCase())).size, list.length);
    for (const expected of ['_CON.svg', '_aux.txt.svg', 'dup.svg', 'dup (2).svg', 'DUP (3).svg', 'ok.svg']) {
      assert.ok(files.has(expected), `${expected} in ${list.join(', ')}`);
    }
    // Claimed in row order, and each still decodes to its own item.
    assert.deepEqual(await decodeFile(files.get('dup (2).svg')!, 'svg'), ['https://names.example/4']);
    assert.deepEqual(await decodeFile(files.get('DUP (3).svg')!, 'svg'), ['https://names.example/5']);
  });

  test('cancel mid-run: the job is cancelled, nothing is left on disk and nothing can be downloaded', async () => {
    const source = await uploadCsv(`url,name\r\n${urlRows(3000).join('\r\n')}\r\n`);
    const queued = await create({
      source: { sourceId: source.id },
      type: 'url',
      mapping: { content: 'url', name: 'name' },
      outputs: { formats: ['svg', 'png', 'pdf'], size: 1024 },
    });
    const res = await ts.api(`/api/v1/batches/${queued.id}/events`, { key: readKey });
    const events: SseEvent[] = [];
    let cancelled = false;
    for await (const e of sseEvents(res)) {
      events.push(e);
      if (!cancelled && e.event === 'progress' && (e.data as { processed: number }).processed > 0) {
        cancelled = true;
        // While it runs, there is nothing to download.
        await expectError(await ts.api(`/api/v1/batches/${queued.id}/download`, { key: readKey }), 409, 'CONFLICT');
        const del = await ts.api(`/api/v1/batches/${queued.id}`, { key, method: 'DELETE' });
        assert.equal(del.status, 204);
      }
    }
    assert.ok(cancelled, 'a progress event came before the end');
    const done = events[events.length - 1]!;
    assert.equal(done.event, 'done');
    assert.equal((done.data as BatchJob).status, 'cancelled');

    const job = await getJob(queued.id);
    assert.equal(job.status, 'cancelled');
    assert.ok(job.processed < job.total, `stopped early (${job.processed}/${job.total})`);
    assert.equal(job.downloadUrl, null);
    assert.ok(job.finishedAt);
    const refused = await expectError(
      await ts.api(`/api/v1/batches/${queued.id}/download`, { key: readKey }),
      409,
      'CONFLICT',
    );
    assert.match(refused.error.message, /cancelled/);
    assert.equal(fs.existsSync(path.join(batchesDir(), queued.id)), false, 'no result.zip, no .part');
    assert.deepEqual(
      dirEntries().filter((n) => n.includes('part')),
      [],
    );

    // Deleting the cancelled job removes it.
    assert.equal((await ts.api(`/api/v1/batches/${queued.id}`, { key, method: 'DELETE' })).status, 204);
    await expectError(await ts.api(`/api/v1/batches/${queued.id}`, { key: readKey }), 404, 'NOT_FOUND');
  });

  test('a label sheet (Avery L7160): a PDF of two pages whose every label decodes to its item', async () => {
    const items = Array.from({ length: 25 }, (_, i) => ({
      content: `https://labels.example/${i + 1}`,
      caption: `Label ${i + 1}`,
    }));
    const queued = await create({
      source: { items },
      type: 'url',
      outputs: { sheet: { template: 'avery-l7160', caption: true, cropMarks: true } },
    });
    assert.equal(queued.output, 'sheet');
    const job = await waitDone(queued.id);
    assert.equal(job.status, 'completed', job.error ?? '');
    const { res, bytes } = await download(job.id);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.match(res.headers.get('content-disposition') ?? '', /\.pdf"$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-sheet-'));
    try {
      const file = path.join(dir, 'sheet.pdf');
      fs.writeFileSync(file, bytes);
      assert.match(execFileSync('pdfinfo', [file], { encoding: 'utf8' }), /Pages:\s+2\b/);
      const template = sheetTemplate('avery-l7160');
      const px = (mm: number) => Math.round((mm * PT_PER_MM * 200) / 72);
      for (const page of [1, 2]) {
        execFileSync('pdftoppm', [
          '-png',
          '-r',
          '200',
          '-f',
          String(page),
          '-l',
          String(page),
          '-singlefile',
          file,
          `${dir}/p${page}`,
        ]);
      }
      for (let i = 0; i < items.length; i++) {
        const slot = slotOf(template, 1, i);
        const r = labelRect(template, slot.position);
        const crop = await sharp(`${dir}/p${slot.page + 1}.png`)
          .extract({ left: px(r.x), top: px(r.y), width: px(r.width), height: px(r.height) })
          .png()
          .toBuffer();
        assert.deepEqual(
          (await decodeImage(crop)).map((d) => d.text),
          [items[i]!.content],
          `label ${i + 1}`,
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('files and a sheet together: the ZIP holds the files and labels.pdf; barcodes get their check digit', async () => {
    const values = ['400638133393', '590123412345', '978014300723'];
    const queued = await create({
      source: { items: values.map((value) => ({ value })) },
      barcodeFormat: 'EAN13',
      outputs: { formats: ['png'], fileNamePattern: '{name}', sheet: { template: 'avery-l7651' } },
    });
    const job = await waitDone(queued.id);
    assert.equal(job.status, 'completed', job.error ?? '');
    assert.equal(job.output, 'zip');
    const files = unzip((await download(job.id)).bytes);
    assert.deepEqual([...files.keys()].sort(), [
      '4006381333931.png',
      '5901234123457.png',
      '9780143007234.png',
      'labels.pdf',
    ]);
    for (const [name, file] of files) {
      if (name.endsWith('.png')) assert.deepEqual(await decodeFile(file, 'png'), [name.slice(0, 13)]);
    }
    assert.equal(files.get('labels.pdf')!.subarray(0, 5).toString(), '%PDF-');
  });

  test('dynamic batches create tracked codes in the library and encode their short URLs', async () => {
    const items = Array.from({ length: 5 }, (_, i) => ({
      content: `https://menu.example/${i + 1}`,
      name: `Dyn ${i + 1}`,
    }));
    const queued = await create({
      source: { items },
      type: 'url',
      kind: 'dynamic',
      library: { tags: ['batch-dyn'] },
      outputs: { formats: ['png'], fileNamePattern: '{name}' },
    });
    assert.equal(queued.kind, 'dynamic');
    const job = await waitDone(queued.id);
    assert.equal(job.status, 'completed', job.error ?? '');
    const list = (await (await ts.api('/api/v1/qrcodes?tag=batch-dyn&limit=50', { key: readKey })).json()) as {
      data: { name: string; kind: string; content: string; shortUrl: string; payload: string }[];
    };
    assert.equal(list.data.length, items.length);
    const files = unzip((await download(job.id)).bytes);
    for (const item of items) {
      const code = list.data.find((c) => c.name === item.name)!;
      assert.ok(code, item.name);
      assert.equal(code.kind, 'dynamic');
      assert.equal(code.content, item.content);
      assert.match(code.shortUrl, /^http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9]{10}$/);
      assert.deepEqual(await decodeFile(files.get(`${item.name}.png`)!, 'png'), [code.shortUrl]);
    }
  });

  test('an item that cannot be made fails alone; the job completes with errors', async () => {
    const queued = await create({
      source: {
        items: [
          { content: 'https://ok.example/1' },
          { content: 'ftp://nope.example' },
          { content: 'https://ok.example/3', design: { foregroundColor: 'red' } },
          { content: 'https://ok.example/4' },
          // Valid, but white on white: it renders, does not read back, and is not written.
          { content: 'https://ok.example/5', design: { foregroundColor: '#FFFFFF' } },
        ],
      },
      type: 'url',
      outputs: { formats: ['svg'] },
    });
    const job = await waitDone(queued.id);
    assert.equal(job.status, 'completed_with_errors');
    assert.equal(job.failed, 3);
    const files = unzip((await download(job.id)).bytes);
    assert.deepEqual([...files.keys()].sort(), ['00001.svg', '00004.svg']);
    const report = parseCsv(await (await ts.api(`/api/v1/batches/${job.id}/report.csv`, { key: readKey })).text());
    assert.deepEqual(
      report.slice(1).map((r) => [r[0], r[4]]),
      [
        ['2', 'content'],
        ['3', 'design.foregroundColor'],
        ['5', ''],
      ],
    );
    assert.match(report[3]![5]!, /did not decode/);
  });

  test('lists jobs newest first with a cursor; Idempotency-Key replays the first job', async () => {
    const body = {
      source: { items: [{ content: 'https://idem.example' }] },
      type: 'url',
      outputs: { formats: ['svg'] },
    };
    const before = jobCount();
    const first = await post(body, { headers: { 'Idempotency-Key': 'batch-idem-1' } });
    const second = await post(body, { headers: { 'Idempotency-Key': 'batch-idem-1' } });
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    const id = ((await first.json()) as BatchJob).id;
    assert.equal(((await second.json()) as BatchJob).id, id);
    assert.equal(jobCount(), before + 1);
    await waitDone(id);

    const page1 = (await (await ts.api('/api/v1/batches?limit=2', { key: readKey })).json()) as {
      data: BatchJob[];
      nextCursor: string | null;
    };
    assert.equal(page1.data.length, 2);
    assert.equal(page1.data[0]!.id, id);
    assert.ok(page1.nextCursor);
    const page2 = (await (
      await ts.api(`/api/v1/batches?limit=2&cursor=${page1.nextCursor}`, { key: readKey })
    ).json()) as { data: BatchJob[] };
    assert.ok(page2.data.length >= 1);
    assert.ok(!page2.data.some((j) => page1.data.some((k) => k.id === j.id)));
    await expectError(await ts.api('/api/v1/batches?cursor=zzz', { key: readKey }), 400, 'INVALID_CURSOR');
  });

  test('bad requests are refused with the error envelope and nothing written', async () => {
    const source = await uploadCsv('url,name\r\nhttps://a.example,A\r\nnot a url,B\r\n');
    const allBad = await uploadCsv('url,name\r\nnot a url,A\r\nftp://x,B\r\n');
    const ok = {
      source: { sourceId: source.id },
      type: 'url',
      mapping: { content: 'url' },
      outputs: { formats: ['svg'] },
    };
    const jobs = jobCount();
    const entries = dirEntries();
    const cases: [unknown, string][] = [
      [{ type: 'url', outputs: { formats: ['svg'] } }, 'source'],
      [{ ...ok, source: {} }, 'source'],
      [{ ...ok, source: { sourceId: source.id, items: [{ content: 'https://x.example' }] } }, 'source'],
      [{ ...ok, mapping: { content: 'nope' } }, 'mapping.content'],
      [{ ...ok, mapping: undefined }, 'mapping'],
      [{ ...ok, outputs: { formats: ['svg'], fileNamePattern: '{nope}' } }, 'outputs.fileNamePattern'],
      [{ ...ok, outputs: { formats: ['svg'], fileNamePattern: '{column:missing}' } }, 'outputs.fileNamePattern'],
      [{ ...ok, outputs: { sheet: { template: 'avery-nope' } } }, 'outputs.sheet.template'],
      [{ ...ok, outputs: { formats: 'svg' } }, 'outputs.formats'],
      [{ ...ok, outputs: { formats: ['gif'] } }, 'outputs.formats.0'],
      [{ ...ok, outputs: { formats: ['svg', 'svg'] } }, 'outputs.formats'],
      [{ ...ok, outputs: {} }, 'outputs.formats'],
      [{ ...ok, outputs: { formats: ['png'], size: '512' } }, 'outputs.size'],
      [{ ...ok, outputs: { formats: ['png'], size: 9000 } }, 'outputs.size'],
      [{ ...ok, outputs: { formats: ['png'], mm: 500, dpi: 2400 } }, 'outputs.mm'],
      [{ ...ok, outputs: { formats: ['svg'], colorSpace: 'cmyk' } }, 'outputs.colorSpace'],
      [{ ...ok, outputs: { formats: ['svg'], container: 'folder' } }, 'outputs.container'],
      [{ ...ok, verify: 'yes' }, 'verify'],
      [{ ...ok, type: 'nope' }, 'type'],
      [{ ...ok, type: undefined }, 'type'],
      [{ ...ok, barcodeFormat: 'EAN13' }, 'type'],
      [{ ...ok, kind: 'dynamic', type: 'wifi', mapping: { content: { ssid: 'url' } } }, 'kind'],
      [{ ...ok, library: { tags: ['x'] } }, 'library'],
      [{ ...ok, unknown: 1 }, 'unknown'],
      [{ ...ok, source: { sourceId: allBad.id } }, 'rows.1.content'],
      [{ source: { items: 'abc' }, type: 'url', outputs: { formats: ['svg'] } }, 'source.items'],
      [{ source: { items: [] }, type: 'url', outputs: { formats: ['svg'] } }, 'source.items'],
      [{ source: { items: [1] }, type: 'url', outputs: { formats: ['svg'] } }, 'source.items.0'],
      [
        { source: { items: [{ content: 'https://x.example', nope: 1 }] }, type: 'url', outputs: { formats: ['svg'] } },
        'source.items.0.nope',
      ],
      [
        {
          source: { items: Array.from({ length: 1001 }, (_, i) => ({ content: `https://x.example/${i}` })) },
          type: 'url',
          outputs: { formats: ['svg'] },
        },
        'source.items',
      ],
      [
        { source: { items: [{ content: 'not a url' }] }, type: 'url', outputs: { formats: ['svg'] } },
        'source.items.0.content',
      ],
      [
        {
          source: { items: [{ content: 'https://x.example' }] },
          type: 'url',
          mapping: { content: 'url' },
          outputs: { formats: ['svg'] },
        },
        'mapping',
      ],
      [
        {
          source: { items: [{ content: 'https://x.example' }] },
          type: 'url',
          outputs: { formats: ['svg'], fileNamePattern: '{column:a}' },
        },
        'outputs.fileNamePattern',
      ],
      [{ ...ok, design: { logo: { assetId: 'asset_missing' } } }, 'design.logo.assetId'],
      [{ ...ok, kind: 'dynamic', library: { folderId: 'fold_missing' } }, 'library.folderId'],
    ];
    for (const [body, where] of cases) {
      const res = await post(body);
      await expectValidationError(res, where).catch((err: Error) => {
        throw new Error(`${JSON.stringify(body).slice(0, 200)}: ${err.message}`);
      });
    }
    await expectError(await post({ ...ok, source: { sourceId: 'bsrc_unknown' } }), 404, 'NOT_FOUND');
    await expectError(
      await ts.api('/api/v1/batches', {
        key,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"source":',
      }),
      400,
      'INVALID_BODY',
    );
    await expectError(
      await ts.api('/api/v1/batches', { key, method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    assert.equal(jobCount(), jobs, 'no job recorded');
    assert.deepEqual(dirEntries(), entries, 'no file written');
    for (const p of [
      '/api/v1/batches/batch_nope',
      '/api/v1/batches/batch_nope/download',
      '/api/v1/batches/batch_nope/report.csv',
      '/api/v1/batches/batch_nope/events',
    ]) {
      await expectError(await ts.api(p, { key: readKey }), 404, 'NOT_FOUND');
    }
    await expectError(await ts.api('/api/v1/batches/batch_nope', { key, method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  test('scopes: creating and cancelling need write; reading needs a key', async () => {
    const body = {
      source: { items: [{ content: 'https://scope.example' }] },
      type: 'url',
      outputs: { formats: ['svg'] },
    };
    await expectError(await post(body, { as: readKey }), 403, 'FORBIDDEN');
    await expectError(
      await ts.api('/api/v1/batches', { method: 'POST', body: JSON.stringify(body) }),
      401,
      'UNAUTHORIZED',
    );
    await expectError(
      await ts.api(`/api/v1/batches/${hostileJob.id}`, { key: readKey, method: 'DELETE' }),
      403,
      'FORBIDDEN',
    );
    for (const p of [
      '',
      `/${hostileJob.id}`,
      `/${hostileJob.id}/download`,
      `/${hostileJob.id}/report.csv`,
      `/${hostileJob.id}/events`,
    ]) {
      await expectError(await ts.api(`/api/v1/batches${p}`), 401, 'UNAUTHORIZED');
      const res = await ts.api(`/api/v1/batches${p}`, { key: readKey });
      assert.equal(res.status, 200, p);
      await res.arrayBuffer();
    }
    // A finished job is deleted with its files.
    assert.ok(fs.existsSync(path.join(batchesDir(), hostileJob.id, 'result.zip')));
    assert.equal((await ts.api(`/api/v1/batches/${hostileJob.id}`, { key, method: 'DELETE' })).status, 204);
    assert.equal(fs.existsSync(path.join(batchesDir(), hostileJob.id)), false);
    await expectError(await ts.api(`/api/v1/batches/${hostileJob.id}/report.csv`, { key: readKey }), 404, 'NOT_FOUND');
  });
});

describe('batch jobs across restarts', () => {
  test('a server stopping mid-run marks the job interrupted and keeps nothing of it', async () => {
    const dataDir = tempDataDir();
    let ts = await startTestServer({ dataDir });
    try {
      const key = ts.createKey();
      const csv = `url,name\r\n${urlRows(3000).join('\r\n')}\r\n`;
      const up = await ts.api('/api/v1/batch-sources', {
        key,
        method: 'POST',
        headers: { 'Content-Type': 'text/csv' },
        body: csv,
      });
      const source = (await up.json()) as BatchSourceCreated;
      const res = await ts.api('/api/v1/batches', {
        key,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          source: { sourceId: source.id },
          type: 'url',
          mapping: { content: 'url' },
          outputs: { formats: ['png', 'pdf'], size: 1024 },
        }),
      });
      const job = (await res.json()) as BatchJob;
      const events = await ts.api(`/api/v1/batches/${job.id}/events`, { key });
      let last: SseEvent | null = null;
      for await (const e of sseEvents(events)) {
        last = e;
        if (e.event === 'progress' && (e.data as { processed: number }).processed > 0) break;
      }
      assert.equal(last?.event, 'progress');
      await ts.stop({ keepData: true });
      ts = await startTestServer({ dataDir });
      const key2 = ts.createKey();
      const after = (await (await ts.api(`/api/v1/batches/${job.id}`, { key: key2 })).json()) as BatchJob;
      assert.equal(after.status, 'interrupted');
      assert.match(after.error ?? '', /stopped/);
      assert.equal(after.downloadUrl, null);
      await expectError(await ts.api(`/api/v1/batches/${job.id}/download`, { key: key2 }), 409, 'CONFLICT');
      assert.equal(fs.existsSync(path.join(dataDir, 'batches', job.id)), false);
    } finally {
      await ts.stop();
    }
  });

  test('a job left running by a crashed server is marked interrupted on the next start, its .part removed', async () => {
    const dataDir = tempDataDir();
    const first = await startTestServer({ dataDir });
    await first.stop({ keepData: true });
    // As a killed server leaves it: the row says running and a partial archive lies on disk.
    const db = new Database(path.join(dataDir, 'qrdesk.db'));
    const now = Date.now();
    db.prepare(
      `INSERT INTO batch_jobs (id, status, kind, request, total, processed, failed, output_kind, created_at, started_at)
       VALUES (?, 'running', 'static', ?, 100, 40, 1, 'zip', ?, ?)`,
    ).run(
      'batch_crashed',
      JSON.stringify({
        source: { items: [{ content: 'https://x.example' }] },
        type: 'url',
        kind: 'static',
        outputs: {},
      }),
      now - 1000,
      now - 900,
    );
    db.prepare(
      `INSERT INTO batch_jobs (id, status, kind, request, total, output_kind, created_at)
       VALUES (?, 'queued', 'static', ?, 5, 'sheet', ?)`,
    ).run('batch_waiting', JSON.stringify({ source: { items: [] }, type: 'url', kind: 'static', outputs: {} }), now);
    db.close();
    const part = path.join(dataDir, 'batches', 'batch_crashed', 'result.zip.part');
    fs.mkdirSync(path.dirname(part), { recursive: true });
    fs.writeFileSync(part, 'PK partial');

    const ts = await startTestServer({ dataDir });
    try {
      const key = ts.createKey();
      for (const id of ['batch_crashed', 'batch_waiting']) {
        const job = (await (await ts.api(`/api/v1/batches/${id}`, { key })).json()) as BatchJob;
        assert.equal(job.status, 'interrupted', id);
        assert.equal(job.downloadUrl, null);
        assert.ok(job.finishedAt);
      }
      const crashed = (await (await ts.api('/api/v1/batches/batch_crashed', { key })).json()) as BatchJob;
      assert.equal(crashed.processed, 40, 'the progress it had made is kept for the record');
      assert.equal(fs.existsSync(part), false);
      await expectError(await ts.api('/api/v1/batches/batch_crashed/download', { key }), 409, 'CONFLICT');
    } finally {
      await ts.stop();
    }
  });
});
