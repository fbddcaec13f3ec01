/**
 * Batch mappings: CSV columns, constants and templates to the content of
 * every QR type (checked by CONTENT_SCHEMAS, the one validation path), names,
 * file names, captions and design overrides; {seq} serial numbers; barcode
 * values with GTIN check digits; problems traced to the CSV column at fault;
 * mapping mistakes refused before any row is read; the CSV report made safe.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileBatch,
  csvRows,
  readCsv,
  reportToCsv,
  validateRows,
  type CsvReadOptions,
} from '../../src-server/batch/csv';
import { AppError } from '../../src-server/errors';
import { encodePayload } from '../../src-shared/payloads';
import { BatchSpec, type BatchProblem } from '../../src-shared/schemas/batches';
import { CONTENT_SCHEMAS, type QrType } from '../../src-shared/schemas/content';

async function run(csv: string, spec: unknown, options: { previewRows?: number; maxProblems?: number } = {}) {
  const bytes = Buffer.from(csv);
  const format = await readCsv(bytes);
  const compiled = compileBatch(BatchSpec.parse(spec), format);
  return validateRows(csvRows(bytes, format), compiled, { previewRows: 50, ...options });
}

/** The payload the API itself would encode for this content. */
const payloadOf = (type: QrType, content: unknown) =>
  encodePayload(type, CONTENT_SCHEMAS[type].parse(content) as never);

const brief = (p: BatchProblem) => ({ row: p.row, column: p.column, field: p.field });

/** compileBatch's 400, with its details. */
async function mappingError(
  csv: string,
  spec: unknown,
  options: CsvReadOptions = {},
): Promise<{ path: string; message: string }[]> {
  const format = await readCsv(Buffer.from(csv), options);
  try {
    compileBatch(BatchSpec.parse(spec), format);
  } catch (err) {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'VALIDATION_ERROR');
    assert.match(err.message, /^Invalid mapping/);
    return err.details!;
  }
  return assert.fail('the mapping was accepted');
}

describe('content of every QR type', () => {
  test('url, text and phone take one column', async () => {
    const cases: [QrType, string, string][] = [
      ['url', 'https://example.com/menu', 'https://example.com/menu'],
      ['text', 'Crème brûlée 🍕', 'Crème brûlée 🍕'],
      ['phone', '+33 1 23 45 67 89', 'tel:+33123456789'],
    ];
    for (const [type, cell, payload] of cases) {
      const { report, preview } = await run(`value\n"${cell}"\n`, { type, mapping: { content: 'value' } });
      assert.equal(report.validRows, 1, `${type}: ${JSON.stringify(report.problems)}`);
      assert.equal(preview[0]!.payload, payload);
    }
  });

  test('wifi: fields from columns and constants, enum spelling and booleans forgiven', async () => {
    const csv = 'SSID,Key,Hidden\nCafé Guest,croissant42,yes\nOpen Bar,,no\n';
    const { report, preview } = await run(csv, {
      type: 'wifi',
      mapping: { content: { ssid: 'SSID', password: 'Key', encryption: { const: 'wpa' }, hidden: 'Hidden' } },
    });
    assert.equal(report.validRows, 1);
    assert.deepEqual(preview[0]!.content, {
      ssid: 'Café Guest',
      password: 'croissant42',
      encryption: 'WPA',
      hidden: true,
    });
    assert.equal(preview[0]!.payload, payloadOf('wifi', preview[0]!.content));
    assert.deepEqual(report.problems.map(brief), [{ row: 2, column: 'Key', field: 'content.password' }]);
    assert.match(report.problems[0]!.message, /WPA password has 8-63/);
  });

  test('vcard: nested fields, list items, and a constant phone type only where there is a phone', async () => {
    const csv =
      'first,last,org,mobile,mail,city\nAmélie,Poulain,Café,+33 1 42 54 90 50,amelie@example.com,Paris\nBob,,,,,\n';
    const { report, preview } = await run(csv, {
      type: 'vcard',
      mapping: {
        content: {
          firstName: 'first',
          lastName: 'last',
          organization: 'org',
          'phones.0.number': 'mobile',
          'phones.0.type': { const: 'cell' },
          'emails.0': 'mail',
          'address.city': 'city',
        },
      },
    });
    assert.equal(report.validRows, 2, JSON.stringify(report.problems));
    assert.deepEqual(preview[0]!.content, {
      firstName: 'Amélie',
      lastName: 'Poulain',
      organization: 'Café',
      phones: [{ number: '+33 1 42 54 90 50', type: 'cell' }],
      emails: ['amelie@example.com'],
      address: { city: 'Paris' },
    });
    assert.deepEqual(preview[1]!.content, { firstName: 'Bob' });
    assert.equal(preview[0]!.payload, payloadOf('vcard', preview[0]!.content));
    assert.equal(preview[0]!.name, 'Amélie Poulain');
  });

  test('email, sms and whatsapp', async () => {
    const email = await run('to,subject\nhello@example.com,Table for two\n', {
      type: 'email',
      mapping: { content: { to: 'to', subject: 'subject', body: { const: 'Tonight at 8?' } } },
    });
    assert.equal(
      email.preview[0]!.payload,
      payloadOf('email', { to: 'hello@example.com', subject: 'Table for two', body: 'Tonight at 8?' }),
    );
    const sms = await run('phone,msg\n+44 20 7946 0958,STOP\n', {
      type: 'sms',
      mapping: { content: { phone: 'phone', message: 'msg' } },
    });
    assert.equal(sms.preview[0]!.payload, 'SMSTO:+442079460958:STOP');
    const wa = await run('phone\n+49 151 2345 6789\n0151 2345\n', {
      type: 'whatsapp',
      mapping: { content: { phone: 1 } },
    });
    assert.equal(wa.report.validRows, 1);
    assert.deepEqual(wa.report.problems.map(brief), [{ row: 2, column: 'phone', field: 'content.phone' }]);
  });

  test('geo: numbers with a decimal point or a decimal comma; text that is not a number is reported', async () => {
    const { report, preview } = await run(
      'lat;lng;label\n48,8584;2,2945;Tour Eiffel\n40.6892;-74.0445;Liberty\nnorth;2;x\n',
      {
        type: 'geo',
        mapping: { content: { latitude: 'lat', longitude: 'lng', label: 'label' } },
      },
    );
    assert.equal(report.validRows, 2);
    assert.deepEqual(preview[0]!.content, { latitude: 48.8584, longitude: 2.2945, label: 'Tour Eiffel' });
    assert.equal(preview[1]!.payload, payloadOf('geo', { latitude: 40.6892, longitude: -74.0445, label: 'Liberty' }));
    assert.deepEqual(report.problems.map(brief), [{ row: 3, column: 'lat', field: 'content.latitude' }]);
    assert.equal(report.problems[0]!.message, '"north" is not a number');
  });

  test('event: dates, booleans and time zones', async () => {
    const csv =
      'title,start,end,allday,tz\nSoirée jazz,2026-11-21T20:00,2026-11-21T23:00,no,Europe/Paris\nFête,2026-07-14,,yes,\nBad,2026-11-21T20:00,,no,\n';
    const { report, preview } = await run(csv, {
      type: 'event',
      mapping: { content: { title: 'title', start: 'start', end: 'end', allDay: 'allday', timezone: 'tz' } },
    });
    assert.equal(report.validRows, 2, JSON.stringify(report.problems));
    assert.equal(
      preview[0]!.payload,
      payloadOf('event', {
        title: 'Soirée jazz',
        start: '2026-11-21T20:00',
        end: '2026-11-21T23:00',
        timezone: 'Europe/Paris',
      }),
    );
    assert.deepEqual(report.problems.map(brief), [{ row: 3, column: 'start', field: 'content.start' }]);
    assert.match(report.problems[0]!.message, /Z or an offset/);
  });

  test('payment: amounts, and a cross-field rule traced to its column', async () => {
    const csv =
      'name,iban,amount,ref,text\nCafé,FR76 3000 6000 0112 3456 7890 189,"12,50",,Table 4\nCafé,FR76 3000 6000 0112 3456 7890 189,3,RF18 5390 0754 7034,Table 5\nCafé,FR76 3000 6000 0112 3456 7890 188,3,,\n';
    const { report, preview } = await run(csv, {
      type: 'payment',
      mapping: { content: { name: 'name', iban: 'iban', amount: 'amount', reference: 'ref', text: 'text' } },
    });
    assert.equal(report.validRows, 1);
    assert.equal((preview[0]!.content as { amount: number }).amount, 12.5);
    assert.deepEqual(report.problems.map(brief), [
      { row: 2, column: 'ref', field: 'content.reference' },
      { row: 3, column: 'iban', field: 'content.iban' },
    ]);
    assert.match(report.problems[0]!.message, /not both/);
    assert.match(report.problems[1]!.message, /check digits/);
  });

  test('social: network and handle, or a url', async () => {
    const { report, preview } = await run('network,handle\nInstagram,@cafe.des.2.moulins\ninstagram,\n', {
      type: 'social',
      mapping: { content: { network: 'network', handle: 'handle' } },
    });
    assert.equal(report.validRows, 1);
    assert.equal(preview[0]!.payload, payloadOf('social', { network: 'instagram', handle: '@cafe.des.2.moulins' }));
    assert.deepEqual(report.problems.map(brief), [{ row: 2, column: 'handle', field: 'content.handle' }]);
  });

  test('a vcard with no name at all points at the first-name column', async () => {
    const { report } = await run('first,org,mail\n,,a@example.com\n', {
      type: 'vcard',
      mapping: { content: { firstName: 'first', organization: 'org', 'emails.0': 'mail' } },
    });
    assert.deepEqual(report.problems.map(brief), [{ row: 1, column: 'first', field: 'content.firstName' }]);
  });
});

describe('templates, constants and serial numbers', () => {
  test('{seq} with start, step and padding; {seq:NN}, {row} and {column:x} / {column:N}', async () => {
    const csv = 'sku,name\nA-1,Tea\nB-2,Cake\nC-3,Pie\n';
    const { preview } = await run(csv, {
      type: 'url',
      mapping: {
        content: { template: 'https://shop.example/p/{column:sku}?n={seq}&r={row}&c={column:2}' },
        name: { template: '{column:name} #{seq:06}' },
        fileName: { template: '{seq}-{column:sku}' },
      },
      seq: { start: 100, step: 10, padding: 4 },
    });
    assert.deepEqual(
      preview.map((p) => [p.seq, p.payload, p.name, p.fileName]),
      [
        ['0100', 'https://shop.example/p/A-1?n=0100&r=1&c=Tea', 'Tea #000100', '0100-A-1'],
        ['0110', 'https://shop.example/p/B-2?n=0110&r=2&c=Cake', 'Cake #000110', '0110-B-2'],
        ['0120', 'https://shop.example/p/C-3?n=0120&r=3&c=Pie', 'Pie #000120', '0120-C-3'],
      ],
    );
  });

  test('serial numbers count every data row, valid or not, and are never cut by padding', async () => {
    const { preview } = await run('url\nnot a url\nhttps://a.example\n', {
      type: 'url',
      mapping: { content: 'url', fileName: { template: 'code-{seq}' } },
      seq: { start: 998, padding: 2 },
    });
    assert.equal(preview[0]!.valid, false);
    assert.deepEqual(
      preview.map((p) => p.seq),
      ['998', '999'],
    );
    assert.equal(preview[1]!.fileName, 'code-999');
  });

  test('constants are literal; numbers and booleans fit the field', async () => {
    const { preview } = await run('ssid\nNet\n', {
      type: 'wifi',
      mapping: {
        content: { ssid: 'ssid', encryption: { const: 'nopass' }, hidden: { const: true } },
        caption: { const: 'Scan me {seq}' },
      },
    });
    assert.deepEqual(preview[0]!.content, { ssid: 'Net', encryption: 'nopass', hidden: true });
    assert.equal(preview[0]!.caption, 'Scan me {seq}');
    const geo = await run('label\nHere\n', {
      type: 'geo',
      mapping: { content: { latitude: { const: 48.85 }, longitude: { const: '2,29' }, label: 'label' } },
    });
    assert.deepEqual(geo.preview[0]!.content, { latitude: 48.85, longitude: 2.29, label: 'Here' });
  });

  test('captions and file names may use {name}', async () => {
    const { preview } = await run('url,title\nhttps://a.example/x,Menu\n', {
      type: 'url',
      mapping: {
        content: 'url',
        name: 'title',
        caption: { template: 'Scan: {name}' },
        fileName: { template: '{name}_{row:03}' },
      },
    });
    assert.equal(preview[0]!.caption, 'Scan: Menu');
    assert.equal(preview[0]!.fileName, 'Menu_001');
  });

  test('a default name comes from the content; the file name from the name', async () => {
    const { preview } = await run('url\nhttps://example.com/menu\n', { type: 'url', mapping: { content: 'url' } });
    assert.equal(preview[0]!.name, 'example.com/menu');
    assert.equal(preview[0]!.fileName, 'example.com_menu');
  });
});

describe('design overrides', () => {
  const csv =
    'url,fg,bg,dots,frame\nhttps://a.example,#FF0000,#FFFFFF,Rounded,Scan me\nhttps://b.example,00AA00,,dots,\nhttps://c.example,red,#FFFFFF,square,\nhttps://d.example,#000000,#FFFFFF,blobs,\n';
  const spec = {
    type: 'url',
    mapping: {
      content: 'url',
      design: { foregroundColor: 'fg', backgroundColor: 'bg', dotStyle: 'dots', 'frame.text': 'frame' },
    },
    design: { errorCorrection: 'Q', frame: { text: 'Default', color: '#123456' } },
  };

  test('per-row fields over the base design, checked with the design schema', async () => {
    const { report, preview } = await run(csv, spec);
    assert.equal(report.validRows, 2, JSON.stringify(report.problems));
    assert.deepEqual(preview[0]!.design, {
      errorCorrection: 'Q',
      foregroundColor: '#FF0000',
      backgroundColor: '#FFFFFF',
      dotStyle: 'rounded',
      frame: { text: 'Scan me', color: '#123456', textColor: null },
    });
    // A colour without # gets one; empty cells keep the base design.
    assert.deepEqual(preview[1]!.design, {
      errorCorrection: 'Q',
      foregroundColor: '#00AA00',
      dotStyle: 'dots',
      frame: { text: 'Default', color: '#123456', textColor: null },
    });
  });

  test('a bad colour or style is a problem at its column', async () => {
    const { report } = await run(csv, spec);
    assert.deepEqual(report.problems.map(brief), [
      { row: 3, column: 'fg', field: 'design.foregroundColor' },
      { row: 4, column: 'dots', field: 'design.dotStyle' },
    ]);
    assert.match(report.problems[0]!.message, /#RRGGBB/);
  });

  test('unknown design fields and content fields are refused before any row is read', async () => {
    const details = await mappingError(csv, {
      type: 'url',
      mapping: { content: 'url', design: { foreground: 'fg', 'logo.assetId': 'fg' } },
    });
    assert.deepEqual(
      details.map((d) => d.path),
      ['mapping.design.foreground'],
    );
  });

  test('a payload over the QR capacity at the row error-correction level is reported', async () => {
    const long = 'x'.repeat(1500);
    const { report } = await run(`text,ec\n${long},H\n${long},L\n`, {
      type: 'text',
      mapping: { content: 'text', design: { errorCorrection: 'ec' } },
    });
    assert.equal(report.validRows, 1);
    assert.deepEqual(report.problems.map(brief), [{ row: 1, column: 'text', field: 'content' }]);
    assert.match(report.problems[0]!.message, /Too long for a QR code/);
  });
});

describe('barcode batches', () => {
  test('12-digit GTINs become EAN-13 with their check digit; a wrong 13th digit names the expected one', async () => {
    const { report, preview } = await run(
      'sku,gtin\nA,400638133393\nB,4006381333931\nC,4006381333932\nD,40063813339\n',
      {
        barcodeFormat: 'EAN13',
        mapping: { value: 'gtin', fileName: { template: '{column:sku}-{seq:03}' } },
      },
    );
    assert.deepEqual(
      preview.map((p) => p.payload),
      ['4006381333931', '4006381333931', null, null],
    );
    assert.equal(preview[0]!.name, '4006381333931');
    assert.equal(preview[0]!.fileName, 'A-001');
    assert.deepEqual(report.problems.map(brief), [
      { row: 3, column: 'gtin', field: 'value' },
      { row: 4, column: 'gtin', field: 'value' },
    ]);
    assert.equal(report.problems[0]!.message, 'EAN-13 check digit should be 1, not 2');
    assert.match(report.problems[1]!.message, /12 digits .* got 11/);
  });

  test('a column of UPC-A numbers is flagged, and upcAsEan13 encodes them with a leading 0', async () => {
    const csv = 'gtin\n036000291452\n012345678905\n042100005264\n';
    const plain = await run(csv, { barcodeFormat: 'EAN13', mapping: { value: 'gtin' } });
    assert.equal(plain.report.validRows, 3);
    assert.match(plain.report.warnings.join(' '), /look like GTIN-12 \(UPC-A\).*upcAsEan13/);
    const upc = await run(csv + '036000291453\n', {
      barcodeFormat: 'EAN13',
      upcAsEan13: true,
      mapping: { value: 'gtin' },
    });
    assert.deepEqual(
      upc.preview.map((p) => p.payload),
      ['0036000291452', '0012345678905', '0042100005264', null],
    );
    assert.match(upc.report.problems[0]!.message, /UPC-A \(GTIN-12\) check digit should be 2, not 3/);
    assert.deepEqual(upc.report.warnings, []);
  });

  test('numbers a spreadsheet turned into scientific notation are explained', async () => {
    const { report } = await run('gtin\n4.00638E+12\n', { barcodeFormat: 'EAN13', mapping: { value: 1 } });
    assert.match(report.problems[0]!.message, /scientific notation: format the column as text/);
  });

  test('other symbologies use their own rules', async () => {
    const { report, preview } = await run('v\nABC-123\nabc\n', { barcodeFormat: 'CODE39', mapping: { value: 'v' } });
    assert.equal(preview[0]!.payload, 'ABC-123');
    assert.match(report.problems[0]!.message, /use capitals/);
  });

  test('a barcode spec takes value, not content or design', async () => {
    const parsed = BatchSpec.safeParse({ barcodeFormat: 'EAN13', mapping: { content: 'x', design: {} } });
    assert.equal(parsed.success, false);
    const paths = parsed.error!.issues.map((i) => i.path.join('.'));
    assert.ok(paths.includes('mapping.value') && paths.includes('mapping.content') && paths.includes('mapping.design'));
    assert.equal(
      BatchSpec.safeParse({ type: 'url', barcodeFormat: 'EAN13', mapping: { content: 'x' } }).success,
      false,
    );
    assert.equal(BatchSpec.safeParse({ mapping: { content: 'x' } }).success, false);
  });
});

describe('mapping mistakes are one 400 listing each', () => {
  // A repeated header cell means no header to the guess: the header is asked for.
  const csv = 'sku,name,name\nA,Tea,x\n';
  const withHeader = { header: true } as const;

  test('unknown columns (listing the real ones), repeated headers, columns past the end', async () => {
    const details = await mappingError(
      csv,
      {
        type: 'url',
        mapping: { content: { template: 'https://x.example/{column:SKU}/{column:nope}' }, name: 'name', fileName: 7 },
      },
      withHeader,
    );
    assert.deepEqual(details, [
      { path: 'mapping.name', message: 'Column "name" appears 2 times in the header: use its number' },
      { path: 'mapping.fileName', message: 'Column 7 does not exist: the file has 3 columns' },
      { path: 'mapping.content', message: 'No column "nope" in the file; its columns are "sku", "name", "name"' },
    ]);
  });

  test('a file without a header row refers to columns by number', async () => {
    const details = await mappingError('https://a.example,1\nhttps://b.example,2\n', {
      type: 'url',
      mapping: { content: 'url' },
    });
    assert.match(details[0]!.message, /no header row: refer to columns by number \(1-2\)/);
    const { report } = await run('https://a.example,1\nhttps://b.example,2\n', {
      type: 'url',
      mapping: { content: 1, name: { template: 'Code {column:2}' } },
    });
    assert.equal(report.validRows, 2);
    const zero = await mappingError('https://a.example,1\n', {
      type: 'url',
      mapping: { content: { template: '{column:0}' }, name: '0' },
    });
    assert.deepEqual(
      zero.map((d) => d.message),
      ['Columns are numbered from 1', 'Columns are numbered from 1'],
    );
  });

  test('unknown fields, list items past the end, unmapped required fields, wrong content shape', async () => {
    const wifi = await mappingError(
      csv,
      { type: 'wifi', mapping: { content: { sid: 'sku', password: 'sku' } } },
      withHeader,
    );
    assert.deepEqual(
      wifi.map((d) => d.path),
      ['mapping.content.sid', 'mapping.content.ssid'],
    );
    assert.match(wifi[0]!.message, /Unknown wifi field "sid"; the fields are ssid, password, encryption, hidden/);
    const vcard = await mappingError(
      csv,
      {
        type: 'vcard',
        mapping: { content: { 'phones.10.number': 'sku', phones: 'sku', 'address.town': 'sku' } },
      },
      withHeader,
    );
    assert.deepEqual(
      vcard.map((d) => d.message),
      [
        'phones has at most 10 items (0-9)',
        'phones is a list: map its items, e.g. phones.0',
        'Unknown vcard field "address.town"; the fields are firstName, lastName, organization, title, phones.0.number, phones.0.type, emails.0, website, address.street, address.city, address.postalCode, address.region, address.country, note',
      ],
    );
    assert.match(
      (await mappingError(csv, { type: 'wifi', mapping: { content: 'sku' } }, withHeader))[0]!.message,
      /has fields/,
    );
    assert.match(
      (await mappingError(csv, { type: 'url', mapping: { content: { url: 'sku' } } }, withHeader))[0]!.message,
      /one value/,
    );
  });

  test('templates: unknown placeholders and {name} in content are refused by the schema', () => {
    const bad = (template: string) =>
      BatchSpec.safeParse({ type: 'url', mapping: { content: { template } } }).error?.issues[0]?.message;
    assert.match(bad('https://x/{sku}')!, /Unknown placeholder/);
    assert.match(bad('https://x/{seq')!, /Unknown placeholder/);
    assert.equal(bad('https://x/{seq:05}/{row}/{column:a b}'), undefined);
    return mappingError(csv, { type: 'url', mapping: { content: { template: 'https://x/{name}' } } }, withHeader).then(
      (d) => assert.match(d[0]!.message, /\{name\} is only for file names and captions/),
    );
  });

  test('hostile mapping values: wrong types, oversized strings, unknown keys', () => {
    const issues = (mapping: unknown) =>
      BatchSpec.safeParse({ type: 'url', mapping }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.deepEqual(issues({ content: ['a'] }), [
      'mapping.content: Give one value source (a column, {"const": …} or {"template": …}), or an object from field paths to value sources',
    ]);
    assert.deepEqual(issues({ content: { template: 'x'.repeat(2001) } }), [
      'mapping.content.template: A template is at most 2000 characters',
    ]);
    assert.deepEqual(issues({ content: 'x', name: { const: 'y'.repeat(2001) } }), [
      'mapping.name.const: A constant is at most 2000 characters',
    ]);
    assert.deepEqual(issues({ content: 'x', evil: 1 }), ['mapping: Unrecognized key: "evil"']);
    assert.deepEqual(issues({ content: { column: 0 } }), ['mapping.content.column: Columns are numbered from 1']);
    assert.equal(issues({ content: { column: 'a', const: 'b' } }).length, 1);
    assert.equal(issues({ content: 'x', name: null }).length, 1);
    assert.equal(issues({ content: 'x', caption: { const: { nested: true } } }).length, 1);
    assert.deepEqual(issues({ content: 'x'.repeat(201) }), [
      'mapping.content: A column name is at most 200 characters',
    ]);
  });
});

describe('hostile cells', () => {
  test('file names are made safe; names and texts over their limits and control characters are row problems', async () => {
    const csv = [
      'url,file,name',
      'https://a.example,../../etc/passwd,ok',
      'https://b.example,C:\\Windows\\x.exe,ok2',
      `https://c.example,CON,${'n'.repeat(101)}`,
      'https://d.example,x,"bell\u0007"',
      '',
    ].join('\n');
    const { report, preview } = await run(csv, {
      type: 'url',
      mapping: { content: 'url', fileName: 'file', name: 'name' },
    });
    assert.equal(preview[0]!.fileName, '_.._etc_passwd');
    assert.equal(preview[1]!.fileName, 'C_Windows_x.exe');
    assert.deepEqual(report.problems.map(brief), [
      { row: 3, column: 'name', field: 'name' },
      { row: 4, column: 'name', field: 'name' },
    ]);
    assert.match(report.problems[0]!.message, /at most 100 characters/);
    assert.match(report.problems[1]!.message, /control characters/);
    const tpl = await run(csv, { type: 'url', mapping: { content: 'url', fileName: { template: 'x/{column:file}' } } });
    assert.equal(tpl.preview[0]!.fileName, 'x_.._etc_passwd');
  });

  test('a text cell over 2,000 characters is a problem, not a crash', async () => {
    const { report } = await run(`t\n"${'é'.repeat(2001)}"\n`, { type: 'text', mapping: { content: 't' } });
    assert.match(report.problems[0]!.message, /at most 2000 characters/);
  });

  test('formula-looking cells are data: a URL or phone number may start with them', async () => {
    const { preview } = await run('t,p\n=1+2,+33 1 23 45 67 89\n@home,-\n', {
      type: 'sms',
      mapping: { content: { phone: 'p', message: 't' } },
    });
    assert.deepEqual(preview[0]!.content, { phone: '+33 1 23 45 67 89', message: '=1+2' });
  });
});

describe('reports', () => {
  test('problems are listed up to the cap, all counted, with a summary per message', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 'https://ok.example' : 'nope')).join('\n');
    const { report } = await run(`url\n${rows}\n`, { type: 'url', mapping: { content: 'url' } }, { maxProblems: 5 });
    assert.equal(report.totalRows, 30);
    assert.equal(report.validRows, 10);
    assert.equal(report.invalidRows, 20);
    assert.equal(report.problemCount, 20);
    assert.equal(report.problems.length, 5);
    assert.equal(report.truncated, true);
    assert.deepEqual(report.messageCounts, [{ message: 'URL must be an absolute http:// or https:// URL', count: 20 }]);
  });

  test('ragged rows are row problems', async () => {
    const { report } = await run('url,name\nhttps://a.example\nhttps://b.example,B\n', {
      type: 'url',
      mapping: { content: 'url', name: 'name' },
    });
    assert.equal(report.validRows, 1);
    assert.deepEqual(report.problems[0], {
      row: 1,
      line: 2,
      column: null,
      columnIndex: null,
      field: null,
      message:
        'Row has 1 cell where the header has 2: a delimiter is missing, or a cell with the delimiter in it is not quoted',
    });
  });

  test('repeated file names are a warning', async () => {
    const { report } = await run('url\nhttps://a.example/x\nhttps://b.example/y\n', {
      type: 'url',
      mapping: { content: 'url', fileName: { const: 'same' } },
    });
    assert.match(report.warnings[0]!, /1 row has the file name of an earlier row \(first: row 2\)/);
  });

  test('reportToCsv neutralises cells a spreadsheet would run as formulas', () => {
    const csv = reportToCsv({
      problems: [
        { row: 1, line: 2, column: "=cmd|' /C calc'!A0", columnIndex: 1, field: 'content', message: '+1 is wrong' },
        { row: 2, line: 3, column: '-2', columnIndex: 2, field: '@SUM(A1)', message: 'says "hi", twice' },
      ],
    });
    assert.equal(
      csv,
      'row,line,column,columnIndex,field,message\r\n' +
        `1,2,'=cmd|' /C calc'!A0,1,content,'+1 is wrong\r\n` +
        `2,3,'-2,2,'@SUM(A1),"says ""hi"", twice"\r\n`,
    );
  });
});
