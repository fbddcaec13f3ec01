/** Batch output names: patterns, sanitising of hostile cell values, uniqueness. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { checkFileNamePattern, fileNameFor, UniqueNames } from '../../src-shared/batch/file-names';

const values = (over: Partial<Parameters<typeof fileNameFor>[1]> = {}) => ({
  seq: 7,
  row: 3,
  name: 'Menu',
  columns: { sku: 'AB-12', city: 'Zürich' },
  ...over,
});

describe('file-name patterns', () => {
  test('placeholders and padding', () => {
    assert.equal(fileNameFor('{seq:05}-{name}', values()), '00007-Menu');
    assert.equal(fileNameFor('{row}_{column:sku}_{column:city}', values()), '3_AB-12_Zürich');
    assert.equal(fileNameFor('label {seq}', values({ seq: 1200 })), 'label 1200');
    assert.equal(fileNameFor('{seq:03}', values({ seq: 12345 })), '12345', 'padding never truncates');
  });

  test('hostile cell values cannot leave the folder or hit reserved names', () => {
    const hostile = [
      '../../etc/passwd',
      '..\\..\\Windows\\System32\\x',
      '/etc/shadow',
      'C:\\boot.ini',
      'CON',
      'nul',
      'lpt1',
      'a\u0000b',
      'tab\there',
      '   ...   ',
      '',
      'x'.repeat(500),
      'name?*<>|":',
    ];
    for (const name of hostile) {
      const out = fileNameFor('{name}', values({ name }));
      assert.ok(out.length > 0 && out.length <= 100, JSON.stringify(out));
      assert.doesNotMatch(out, /[/\\:*?"<>|]/, JSON.stringify(out));
      assert.ok(
        [...out].every((ch) => ch.charCodeAt(0) >= 0x20),
        `no control characters in ${JSON.stringify(out)}`,
      );
      assert.ok(!/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(out), JSON.stringify(out));
      assert.ok(!out.startsWith('.') && !out.endsWith('.') && !out.endsWith(' '), JSON.stringify(out));
      // Joined to an output folder, it stays inside it.
      const joined = path.join('/out', `${out}.png`);
      assert.equal(path.dirname(joined), '/out', JSON.stringify(out));
    }
  });

  test('pattern checks', () => {
    assert.equal(checkFileNamePattern('{seq:05}-{name}', ['name']), null);
    assert.match(checkFileNamePattern('{nope}', null)!, /Unknown placeholder/);
    assert.match(checkFileNamePattern('{column:missing}', ['sku'])!, /"missing"/);
    assert.match(checkFileNamePattern('   ', null)!, /empty/);
    assert.match(checkFileNamePattern('{seq', null)!, /Unknown placeholder/);
  });
});

describe('unique names', () => {
  test('repeats get a number, case-insensitively', () => {
    const names = new UniqueNames();
    assert.equal(names.claim('Menu', 'png'), 'Menu.png');
    assert.equal(names.claim('menu', 'png'), 'menu (2).png');
    assert.equal(names.claim('Menu', 'png'), 'Menu (3).png');
    assert.equal(names.claim('Menu', 'svg'), 'Menu.svg');
  });
});
