/**
 * The UI's Content-Security-Policy (one string for the server and the desktop
 * shell) and the desktop's permission policy, as pure functions.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cspProblems, parseCsp, serializeCsp, UI_CSP, UI_CSP_DIRECTIVES } from '../../src-shared/csp';
import { GRANTED_PERMISSIONS, permissionAllowed } from '../../src-main/core/permissions';
import { ROOT } from '../helpers/cli';

const API = 'http://127.0.0.1:4780';

describe('the UI CSP', () => {
  test('is strict: no eval, scripts only from the app, no plugins, no framing, no <base>', () => {
    assert.deepEqual(cspProblems(UI_CSP), []);
    const csp = parseCsp(UI_CSP);
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.deepEqual(csp.get('object-src'), ["'none'"]);
    assert.deepEqual(csp.get('base-uri'), ["'none'"]);
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(csp.get('connect-src'), ["'self'"]);
    assert.doesNotMatch(UI_CSP, /unsafe-eval/);
  });

  test('serializes in order and round-trips through the parser', () => {
    assert.equal(
      serializeCsp({ 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'] }),
      "default-src 'self'; img-src 'self' data:",
    );
    const parsed = parseCsp(UI_CSP);
    assert.deepEqual([...parsed.keys()], Object.keys(UI_CSP_DIRECTIVES));
  });

  test('the server and the desktop shell use this one string', () => {
    const staticFiles = fs.readFileSync(path.join(ROOT, 'src-server/http/routes/static-files.ts'), 'utf8');
    assert.match(staticFiles, /import \{ UI_CSP \} from '..\/..\/..\/src-shared\/csp'/);
    assert.match(staticFiles, /ctx\.set\('Content-Security-Policy', UI_CSP\)/);
    const guards = fs.readFileSync(path.join(ROOT, 'src-main/guards.ts'), 'utf8');
    assert.match(guards, /headers\['Content-Security-Policy'\] = \[UI_CSP\]/);
  });

  test('weak policies are named for what makes them weak', () => {
    const cases: [string, RegExp][] = [
      ["default-src 'self'; script-src 'self' 'unsafe-eval'", /script-src allows 'unsafe-eval'/],
      ["default-src 'self' 'UNSAFE-EVAL'", /default-src allows 'unsafe-eval'/],
      ["script-src 'self' 'wasm-unsafe-eval'", /'wasm-unsafe-eval'/],
      ["script-src 'self' 'unsafe-inline'", /script-src allows 'unsafe-inline'/],
      ["script-src 'self' data:", /script-src allows data:/],
      ['script-src *', /other origins/],
      ['script-src https:', /other origins/],
      ['script-src https://cdn.example.com', /other origins/],
      ["script-src 'self' *.example.com", /other origins/],
      ["img-src 'self'", /no script-src or default-src/],
      ["default-src 'self'", /object-src is not 'none'/],
      ["default-src 'self'; object-src 'none'", /base-uri is not restricted/],
      ["default-src 'self'; object-src 'none'; base-uri 'none'", /frame-ancestors is not 'none'/],
      // A repeated directive: browsers keep the first, so must the check.
      ["script-src 'unsafe-eval'; script-src 'self'", /script-src allows 'unsafe-eval'/],
    ];
    for (const [policy, problem] of cases) {
      assert.match(cspProblems(policy).join('\n'), problem, policy);
    }
  });
});

describe('permissions', () => {
  test('only writing to the clipboard, and only for the app itself', () => {
    assert.deepEqual([...GRANTED_PERMISSIONS], ['clipboard-sanitized-write']);
    assert.equal(permissionAllowed('clipboard-sanitized-write', `${API}/codes/new`, API), true);
    assert.equal(permissionAllowed('clipboard-sanitized-write', API, API), true, 'a check handler passes the origin');
  });

  test('everything else is denied, whoever asks', () => {
    for (const permission of [
      'clipboard-read',
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'display-capture',
      'hid',
      'serial',
      'usb',
      'idle-detection',
      'storage-access',
      'window-management',
      'unknown',
      '',
    ]) {
      assert.equal(permissionAllowed(permission, `${API}/`, API), false, permission);
    }
  });

  test('the granted permission is denied to any other page, or before the server is up', () => {
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:4781/r/abc',
      'http://127.0.0.1:4780@evil.example/',
      'file:///',
      'null',
      '',
      undefined,
    ]) {
      assert.equal(permissionAllowed('clipboard-sanitized-write', url, API), false, String(url));
    }
    assert.equal(permissionAllowed('clipboard-sanitized-write', `${API}/`, undefined), false);
    assert.equal(permissionAllowed(undefined, `${API}/`, API), false);
    assert.equal(permissionAllowed(['clipboard-sanitized-write'], `${API}/`, API), false);
  });
});
