/**
 * The native save dialog's checks in main (src-main/core/save-file.ts): the
 * renderer names a file and hands over bytes; main reduces the name to one
 * plain file name, caps the size, writes only the path the dialog returned,
 * and reveals only files it saved.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  dialogTarget,
  MAX_SAVE_BYTES,
  SavedFiles,
  saveDialogFilters,
  SaveRequestError,
  suggestedFileName,
  validateSaveRequest,
} from '../../src-main/core/save-file';

describe('suggestedFileName', () => {
  test('ordinary names pass unchanged', () => {
    for (const name of ['menu.png', 'Café – menu (A4).pdf', '菜单.svg', 'qrdesk-scans-abc.csv', 'codes.zip']) {
      assert.equal(suggestedFileName(name), name);
    }
  });

  test('paths and traversal keep only a safe last segment', () => {
    assert.equal(suggestedFileName('../../../.bashrc'), 'bashrc');
    assert.equal(suggestedFileName('..\\..\\Windows\\System32\\evil.dll'), 'evil.dll');
    assert.equal(suggestedFileName('/etc/passwd'), 'passwd');
    assert.equal(suggestedFileName('C:\\Users\\me\\Desktop\\a.png'), 'a.png');
    assert.equal(suggestedFileName('~/.ssh/authorized_keys'), 'authorized_keys');
    assert.equal(suggestedFileName('folder/'), 'qrdesk-export');
    assert.equal(suggestedFileName('..'), 'qrdesk-export');
  });

  test('controls, reserved characters and Windows device names are neutralised', () => {
    assert.equal(suggestedFileName('a\u0000b\nc.png'), 'a_b_c.png');
    assert.equal(suggestedFileName('what?<>|*:".png'), 'what_.png');
    assert.equal(suggestedFileName('CON.png'), '_CON.png');
    assert.equal(suggestedFileName('nul'), '_nul');
    assert.equal(suggestedFileName('name. . .'), 'name');
    assert.equal(suggestedFileName('invoice\u202egnp.exe'), 'invoicegnp.exe', 'no right-to-left override');
    assert.equal(suggestedFileName('a\u200bb\u2066.png'), 'ab.png');
  });

  test('empty, non-string and overlong names get a sane one', () => {
    for (const name of ['', '   ', undefined, null, 42, {}, ['a.png']]) {
      assert.equal(suggestedFileName(name), 'qrdesk-export', String(name));
    }
    const long = suggestedFileName(`${'a'.repeat(5000)}.png`);
    assert.ok(long.length <= 150, `${long.length}`);
  });
});

describe('validateSaveRequest', () => {
  test('bytes up to the cap pass, with the name made safe', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    assert.deepEqual(validateSaveRequest('../x.png', bytes), { name: 'x.png', bytes });
    assert.deepEqual(validateSaveRequest('b.bin', Buffer.from('hi')).bytes, Buffer.from('hi'));
  });

  test('anything that is not bytes, or is over the cap, is refused', () => {
    for (const bytes of [
      'text',
      42,
      null,
      undefined,
      [1, 2, 3],
      { length: 3 },
      new ArrayBuffer(3),
      new Uint16Array(2),
    ]) {
      assert.throws(() => validateSaveRequest('a.png', bytes), SaveRequestError, String(bytes));
    }
    // A view that claims more than the cap, without allocating it.
    const huge = Object.create(Uint8Array.prototype, { byteLength: { value: MAX_SAVE_BYTES + 1 } }) as Uint8Array;
    assert.throws(() => validateSaveRequest('a.zip', huge), /over 256 MB/);
  });
});

describe('the dialog', () => {
  test('filters: the file type first, then all files', () => {
    assert.deepEqual(saveDialogFilters('menu.PNG'), [
      { name: 'PNG image', extensions: ['png'] },
      { name: 'All files', extensions: ['*'] },
    ]);
    assert.deepEqual(saveDialogFilters('batch.zip')[0], { name: 'ZIP archive', extensions: ['zip'] });
    assert.deepEqual(saveDialogFilters('noext'), [{ name: 'All files', extensions: ['*'] }]);
    assert.deepEqual(saveDialogFilters('x.exe'), [{ name: 'All files', extensions: ['*'] }]);
  });

  test('only an absolute file path from the dialog is written', () => {
    const abs = process.platform === 'win32' ? 'C:\\Users\\me\\menu.png' : '/home/me/menu.png';
    assert.equal(dialogTarget(abs), abs);
    for (const chosen of [undefined, null, '', 'menu.png', '../menu.png', '/home/me/', '/home/me/a\u0000b', 42]) {
      assert.equal(dialogTarget(chosen), null, String(chosen));
    }
  });
});

describe('SavedFiles: what "Show in folder" may reveal', () => {
  test('only files saved in this session', () => {
    const saved = new SavedFiles();
    saved.add('/home/me/menu.png');
    assert.equal(saved.has('/home/me/menu.png'), true);
    for (const other of ['/home/me/.ssh/id_rsa', '/home/me/menu.png/..', '/home/me/MENU.png', '', undefined, 1]) {
      assert.equal(saved.has(other), false, String(other));
    }
  });

  test('keeps the most recent files, up to its limit', () => {
    const saved = new SavedFiles(3);
    for (const f of ['/a', '/b', '/c', '/a', '/d']) saved.add(f);
    assert.deepEqual(
      ['/a', '/b', '/c', '/d'].map((f) => saved.has(f)),
      [true, false, true, true],
    );
  });
});
