import type { Db } from './database';

export interface IdempotencyRow {
  key_id: string;
  idem_key: string;
  request_hash: Buffer;
  /** null while the first request is still running. */
  status: number | null;
  headers: string | null;
  body: string | null;
  created_at: number;
}

/** Stored first responses of POSTs sent with an Idempotency-Key, per API key. */
export class IdempotencyStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      find: db.prepare<[string, string], IdempotencyRow>(
        'SELECT * FROM idempotency_keys WHERE key_id = ? AND idem_key = ?',
      ),
      claim: db.prepare(
        `INSERT INTO idempotency_keys (key_id, idem_key, request_hash, status, headers, body, created_at)
         VALUES (?, ?, ?, NULL, NULL, NULL, ?)`,
      ),
      complete: db.prepare(
        'UPDATE idempotency_keys SET status = ?, headers = ?, body = ? WHERE key_id = ? AND idem_key = ?',
      ),
      release: db.prepare('DELETE FROM idempotency_keys WHERE key_id = ? AND idem_key = ?'),
      purge: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
      releaseUnfinished: db.prepare('DELETE FROM idempotency_keys WHERE status IS NULL'),
      forgetResource: db.prepare('DELETE FROM idempotency_keys WHERE instr(body, ?) > 0'),
    };
  }

  find(keyId: string, idemKey: string): IdempotencyRow | undefined {
    return this.stmts.find.get(keyId, idemKey);
  }

  /** Reserves the key for a request now starting. */
  claim(keyId: string, idemKey: string, requestHash: Buffer, at: number): void {
    this.stmts.claim.run(keyId, idemKey, requestHash, at);
  }

  complete(keyId: string, idemKey: string, status: number, headers: string, body: string): void {
    this.stmts.complete.run(status, headers, body, keyId, idemKey);
  }

  /** Frees a key whose request failed, so the client can retry it. */
  release(keyId: string, idemKey: string): void {
    this.stmts.release.run(keyId, idemKey);
  }

  /** Frees keys whose request never finished (the process stopped mid-request). */
  releaseUnfinished(): void {
    this.stmts.releaseUnfinished.run();
  }

  /** Drops stored responses that show a resource, once it is deleted for good: its data must not live on here. */
  forgetResource(id: string): void {
    this.stmts.forgetResource.run(`"id":${JSON.stringify(id)}`);
  }

  purgeOlderThan(at: number): void {
    this.stmts.purge.run(at);
  }
}
