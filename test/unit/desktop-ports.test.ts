/**
 * The desktop app's start when its ports are taken (src-main/core/ports.ts):
 * the real server moves the busy listener to a free port, and server.json
 * says where it really is.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { portFromEnv, portInUse, startWithPortFallback } from '../../src-main/core/ports';
import { PortInUseError, SERVER_INFO_FILE, startServer } from '../../src-server/server';
import { occupyPort } from '../helpers/cli';
import { tempDataDir } from '../helpers/server';

const portOf = (url: string) => Number(new URL(url).port);

describe('startWithPortFallback, with the real server', () => {
  test('both default ports taken: both listeners move, server.json has the real URLs', async (t) => {
    const api = await occupyPort();
    const pub = await occupyPort();
    const dataDir = tempDataDir('qrdesk-desktop-ports-');
    t.after(async () => {
      await api.close();
      await pub.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const started = await startWithPortFallback(
      (ports) => startServer({ dataDir, ...ports, uiDir: path.join(dataDir, 'no-ui'), shutdownGraceMs: 1000 }),
      { apiPort: api.port, publicPort: pub.port },
    );
    const server = started.server;
    try {
      assert.deepEqual(started.movedFrom, { API: api.port, public: pub.port });
      assert.notEqual(portOf(server.apiUrl), api.port);
      assert.notEqual(portOf(server.publicUrl), pub.port);
      const info = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_INFO_FILE), 'utf8')) as Record<string, unknown>;
      assert.equal(info.apiUrl, server.apiUrl);
      assert.equal(info.publicUrl, server.publicUrl);
      assert.equal(info.pid, process.pid);
      const health = await fetch(`${server.apiUrl}/health`);
      assert.equal(health.status, 200);
    } finally {
      await server.close();
    }
    assert.equal(fs.existsSync(path.join(dataDir, SERVER_INFO_FILE)), false, 'a clean stop removes server.json');
  });

  test('free preferred ports are used as they are', async (t) => {
    const probe = await occupyPort();
    const port = probe.port;
    await probe.close();
    const dataDir = tempDataDir('qrdesk-desktop-ports-');
    t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const started = await startWithPortFallback(
      (ports) => startServer({ dataDir, ...ports, uiDir: path.join(dataDir, 'no-ui') }),
      { apiPort: port, publicPort: 0 },
    );
    try {
      assert.deepEqual(started.movedFrom, {});
      assert.equal(portOf(started.server.apiUrl), port);
    } finally {
      await started.server.close();
    }
  });
});

describe('startWithPortFallback, its rules', () => {
  test('other errors are thrown as they are, with no retry', async () => {
    let calls = 0;
    const boom = new Error('database is locked');
    await assert.rejects(
      startWithPortFallback(
        () => {
          calls++;
          throw boom;
        },
        { apiPort: 4780, publicPort: 4781 },
      ),
      (err) => err === boom,
    );
    assert.equal(calls, 1);
  });

  test('a failure on port 0 is real: thrown, not retried forever', async () => {
    const tried: { apiPort: number; publicPort: number }[] = [];
    await assert.rejects(
      startWithPortFallback(
        async (ports) => {
          tried.push(ports);
          throw new PortInUseError(ports.apiPort, 'API', '--port', 'QRDESK_PORT');
        },
        { apiPort: 4780, publicPort: 4781 },
      ),
      PortInUseError,
    );
    assert.deepEqual(tried, [
      { apiPort: 4780, publicPort: 4781 },
      { apiPort: 0, publicPort: 4781 },
    ]);
  });

  test('portInUse recognises only the server PortInUseError', () => {
    assert.equal(portInUse(new PortInUseError(1, 'API', '--port', 'QRDESK_PORT')), 'API');
    assert.equal(portInUse(new PortInUseError(1, 'public', '--public-port', 'QRDESK_PUBLIC_PORT')), 'public');
    const fake = Object.assign(new Error('x'), { name: 'PortInUseError', listener: 'admin' });
    assert.equal(portInUse(fake), null);
    assert.equal(portInUse({ name: 'PortInUseError', listener: 'API' }), null);
    assert.equal(portInUse(Object.assign(new Error('EADDRINUSE'), { code: 'EADDRINUSE' })), null);
    assert.equal(portInUse(undefined), null);
  });

  test('portFromEnv', () => {
    assert.equal(portFromEnv(undefined, 4780), 4780);
    assert.equal(portFromEnv('0', 4780), 0);
    assert.equal(portFromEnv(' 4790 ', 4780), 4790);
    for (const bad of ['', 'abc', '-1', '65536', '4780x', '1e3', '0x10', '999999']) {
      assert.equal(portFromEnv(bad, 4780), 4780, bad);
    }
  });
});
