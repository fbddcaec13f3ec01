/**
 * `qrdesk batch`, the built CLI run as a user runs it: a CSV becomes files
 * in a folder (or a ZIP) and a label sheet, every file decoding to its row;
 * failed rows give exit code 2 and a formula-safe failed-rows.csv; usage
 * mistakes give exit code 1 and one clear line, with nothing written.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodeImage } from '../../src-server/render/decoder';
import { Store } from '../../src-server/store/store';
import { openExport } from '../helpers/open-export';
import { BIN, cliEnv, cliFixture, linesOf, runCli } from '../helpers/cli';

const decode = async (file: string) =>
  (await decodeImage(await openExport(fs.readFileSync(file), path.extname(file).slice(1)))).map((d) => d.text);

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => `https://cli.example/p/${i + 1},Product ${i + 1}`).join('\n');

test('a CSV to SVG and PNG files in a folder plus an Avery L7160 sheet: every file decodes to its row; exit 0', async (t) => {
  const dir = cliFixture(t).dataDir();
  const csv = path.join(dir, 'products.csv');
  fs.writeFileSync(csv, `url,title\n${rows(12)}\n`);
  const out = path.join(dir, 'out');
  const result = await runCli([
    'batch',
    csv,
    '--type',
    'url',
    '--map',
    'content=url,name=title',
    '--format',
    'svg,png',
    '--sheet',
    'avery-l7160',
    '--caption',
    '--crop-marks',
    '--out',
    out,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Made 12 of 12 codes in [\d.]+ s: svg, png files and a label sheet \(labels\.pdf, avery-l7160\) in .*out, every one decoded and checked\.\n$/,
  );
  // Not a terminal: a progress line every 10 %, ending at 100 %.
  const progress = linesOf(result.stderr);
  assert.ok(progress.length >= 2, result.stderr);
  assert.match(progress[progress.length - 1]!, /^batch: 100% \(12\/12\)$/);

  const names = fs.readdirSync(out).sort();
  const expected = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(5, '0')).flatMap((b) => [
    `${b}.png`,
    `${b}.svg`,
  ]);
  assert.deepEqual(names, [...expected, 'labels.pdf'].sort());
  for (const name of names.filter((n) => n !== 'labels.pdf')) {
    assert.deepEqual(await decode(path.join(out, name)), [`https://cli.example/p/${Number(name.slice(0, 5))}`], name);
  }
  assert.match(execFileSync('pdfinfo', [path.join(out, 'labels.pdf')], { encoding: 'utf8' }), /Pages:\s+1\b/);
  assert.equal(
    fs.readdirSync(dir).filter((n) => n.includes('part')).length,
    0,
    'no temporary folder or .part file is left',
  );
});

test('rows that fail: the others are made, failed-rows.csv lists them formula-safe, exit 2', async (t) => {
  const dir = cliFixture(t).dataDir();
  const csv = path.join(dir, 'in.csv');
  fs.writeFileSync(
    csv,
    '@link;label\nhttps://ok.example/1;One\n=HYPERLINK("http://evil.example");Evil\nhttps://ok.example/3;Three\n',
  );
  const zip = path.join(dir, 'codes.zip');
  const result = await runCli([
    'batch',
    csv,
    '--type',
    'url',
    '--map',
    'content=@link,name=label',
    '--name-pattern',
    '{name}',
    '--zip',
    zip,
    '--no-verify',
  ]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stdout, /Made 2 of 3 codes/);
  assert.match(result.stdout, /1 row failed; see .*codes-failed-rows\.csv/);
  const listing = execFileSync(
    'python3',
    ['-c', 'import sys,zipfile; print("\\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))', zip],
    {
      encoding: 'utf8',
    },
  );
  assert.deepEqual(listing.trim().split('\n'), ['One.png', 'Three.png']);
  const report = fs.readFileSync(path.join(dir, 'codes-failed-rows.csv'), 'utf8');
  const lines = report.trim().split('\r\n');
  assert.equal(lines[0], 'row,line,column,columnIndex,field,message');
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^2,3,'@link,1,content,/);
});

test('dynamic codes go into the library of --data-dir and their files encode the short URLs', async (t) => {
  const fixture = cliFixture(t);
  const dir = fixture.dataDir();
  const data = fixture.dataDir();
  const csv = path.join(dir, 'in.csv');
  fs.writeFileSync(csv, `url,title\n${rows(3)}\n`);
  const out = path.join(dir, 'out');
  const result = await runCli(
    [
      'batch',
      csv,
      '--type',
      'url',
      '--kind',
      'dynamic',
      '--map',
      'content=url,name=title',
      '--name-pattern',
      '{name}',
      '--out',
      out,
      '--data-dir',
      data,
    ],
    { env: { QRDESK_PUBLIC_BASE_URL: 'https://qr.example.com' } },
  );
  assert.equal(result.code, 0, result.stderr);
  const store = Store.open(data);
  try {
    const codes = store.db
      .prepare<[], { name: string; short_url: string; kind: string }>(
        'SELECT name, short_url, kind FROM qr_codes ORDER BY name',
      )
      .all();
    assert.equal(codes.length, 3);
    for (const code of codes) {
      assert.equal(code.kind, 'dynamic');
      assert.match(code.short_url, /^https:\/\/qr\.example\.com\/r\/[A-Za-z0-9]{10}$/);
      assert.deepEqual(await decode(path.join(out, `${code.name}.png`)), [code.short_url]);
    }
  } finally {
    store.close();
  }
});

test('usage mistakes: exit 1, one clear line, nothing written', async (t) => {
  const dir = cliFixture(t).dataDir();
  const csv = path.join(dir, 'in.csv');
  fs.writeFileSync(csv, 'url,title\nhttps://a.example,A\n');
  const out = path.join(dir, 'out');
  const base = ['batch', csv, '--type', 'url', '--map', 'content=url'];
  const cases: [string[], RegExp][] = [
    [['batch', csv, '--type', 'url', '--map', 'content=url'], /--out DIR .* or --zip FILE\.zip/],
    [[...base, '--out', out, '--zip', path.join(dir, 'x.zip')], /--out DIR .* or --zip/],
    [['batch', csv, '--map', 'content=url', '--out', out], /give --type .* or --barcode/],
    [['batch', csv, '--type', 'nope', '--map', 'content=url', '--out', out], /--type must be one of url, text/],
    [['batch', csv, '--type', 'url', '--map', 'content', '--out', out], /--map takes field=column pairs/],
    [['batch', csv, '--type', 'url', '--map', 'color=url', '--out', out], /--map: unknown field "color"/],
    [
      ['batch', csv, '--type', 'url', '--map', 'content=nope', '--out', out],
      /--map content: No column "nope" in the file; its columns are "url", "title"/,
    ],
    [['batch', csv, '--type', 'url', '--out', out], /--map is required/],
    [[...base, '--format', 'gif', '--out', out], /--format takes svg, png, pdf, eps/],
    [[...base, '--name-pattern', '{nope}', '--out', out], /--name-pattern: Unknown placeholder/],
    [[...base, '--sheet', 'avery-9999', '--out', out], /--sheet must be one of avery-l7160/],
    [[...base, '--size', 'big', '--out', out], /--size must be a whole number/],
    [[...base, '--size', '10', '--out', out], /--size: /],
    [[...base, '--cmyk', '--out', out], /--cmyk is for pdf and eps files/],
    [[...base, '--crop-marks', '--out', out], /add --sheet TEMPLATE/],
    [
      ['batch', path.join(dir, 'missing.csv'), '--type', 'url', '--map', 'content=url', '--out', out],
      /missing\.csv: No file at/,
    ],
    [[...base, '--out', path.join(dir, 'no', 'such', 'place')], /does not exist/],
    [[...base, '--bogus', '--out', out], /unknown option '--bogus'/],
  ];
  for (const [args, pattern] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '', args.join(' '));
    const lines = linesOf(result.stderr);
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}, got:\n${result.stderr}`);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.match(lines[0]!, pattern, args.join(' '));
  }
  assert.deepEqual(fs.readdirSync(dir), ['in.csv'], 'nothing written');
});

test('on a terminal, progress is one bar redrawn in place that ends at 100 % on its own line', async (t) => {
  const dir = cliFixture(t).dataDir();
  const csv = path.join(dir, 'products.csv');
  fs.writeFileSync(csv, `url,title\n${rows(40)}\n`);
  const out = path.join(dir, 'out');
  const command = [process.execPath, BIN, 'batch', csv, '--type', 'url', '--map', 'content=url', '--format', 'svg']
    .concat(['--out', out])
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(' ');
  // util-linux `script` runs the CLI on a pseudo-terminal, as a user's shell does.
  const typescript = execFileSync('script', ['-qec', command, '/dev/null'], { env: cliEnv(), encoding: 'utf8' });
  const segments = typescript.split('\r');
  const bars = segments.filter((s) => s.startsWith('['));
  assert.ok(bars.length >= 1, JSON.stringify(typescript));
  for (const bar of bars) assert.match(bar, /^\[[#.]{30}\] +\d{1,3}% \d+\/40/);
  const last = segments.lastIndexOf(bars[bars.length - 1]!);
  assert.match(segments[last]!, /^\[#{30}\] 100% 40\/40 *$/, 'the last bar is full, with no time left shown');
  assert.match(segments[last + 1]!, /^\n/, 'and ends its line');
  assert.doesNotMatch(typescript, /^batch: \d+%/m, 'no line-per-10 % output on a terminal');
  assert.match(typescript, /Made 40 of 40 codes/);
  assert.equal(fs.readdirSync(out).length, 40);
});
