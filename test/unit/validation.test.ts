import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateApiKeyInput } from '../../src-shared/schemas/api-keys';
import { AppError } from '../../src-server/errors';
import { scopeAllows } from '../../src-shared/schemas/api-keys';
import { validate } from '../../src-server/validation';

const fails = (value: unknown) => {
  try {
    validate(CreateApiKeyInput, value, 'body');
  } catch (err) {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'VALIDATION_ERROR');
    return err.details ?? [];
  }
  assert.fail('expected a validation error');
};

describe('validate()', () => {
  it('returns the parsed value with defaults applied', () => {
    const parsed = validate(CreateApiKeyInput, { name: '  build script  ' }, 'body');
    assert.equal(parsed.name, 'build script');
    assert.deepEqual(parsed.scopes, ['read', 'write']);
    assert.equal(parsed.rateLimitPerMinute, 1000);
  });

  it('names each invalid field by its dotted path', () => {
    const details = fails({ name: '', scopes: ['read', 'root'], rateLimitPerMinute: 0 });
    const paths = details.map((d) => d.path).sort();
    assert.deepEqual(paths, ['name', 'rateLimitPerMinute', 'scopes.1']);
    for (const d of details) assert.ok(d.message.length > 0);
  });

  it('reports a wrong top-level type at the place given', () => {
    assert.deepEqual(
      fails([1, 2]).map((d) => d.path),
      ['body'],
    );
  });

  it('refuses unknown fields, repeated scopes, control characters and past expiry', () => {
    assert.ok(fails({ name: 'a', admin: true }).length > 0);
    assert.deepEqual(
      fails({ name: 'a', scopes: ['read', 'read'] }).map((d) => d.path),
      ['scopes'],
    );
    assert.deepEqual(
      fails({ name: 'a\u0000b' }).map((d) => d.path),
      ['name'],
    );
    assert.deepEqual(
      fails({ name: 'lone \ud800 surrogate' }).map((d) => d.path),
      ['name'],
    );
    assert.equal(validate(CreateApiKeyInput, { name: 'café 😀 東京' }, 'body').name, 'café 😀 東京');
    assert.deepEqual(
      fails({ name: 'a', expiresAt: '2000-01-01T00:00:00Z' }).map((d) => d.path),
      ['expiresAt'],
    );
  });
});

describe('scopes', () => {
  it('are cumulative: admin ⊇ write ⊇ read', () => {
    assert.ok(scopeAllows(['admin'], 'read'));
    assert.ok(scopeAllows(['admin'], 'write'));
    assert.ok(scopeAllows(['write'], 'read'));
    assert.ok(!scopeAllows(['write'], 'admin'));
    assert.ok(!scopeAllows(['read'], 'write'));
    assert.ok(!scopeAllows([], 'read'));
  });
});
