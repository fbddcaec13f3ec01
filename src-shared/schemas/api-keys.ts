import { z } from 'zod';
import { Timestamp } from './common';
import { label } from './text';

export const SCOPES = ['read', 'write', 'admin'] as const;
export const Scope = z.enum(SCOPES).meta({
  id: 'Scope',
  description:
    '`read` lists and gets; `write` also creates, changes and deletes; `admin` also manages keys and settings.',
});
export type Scope = z.infer<typeof Scope>;

/** Scopes are cumulative: admin can do what write can, write what read can. */
export const SCOPE_RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export function scopeAllows(granted: readonly Scope[], needed: Scope): boolean {
  return granted.some((s) => SCOPE_RANK[s] >= SCOPE_RANK[needed]);
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1000;

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the key, to recognise it; never the whole key.' }),
    scopes: z.array(Scope),
    rateLimitPerMinute: z.number().int(),
    dailyLimit: z.number().int().nullable(),
    expiresAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyUsageDay = z.object({
  date: z.iso.date(),
  count: z.number().int(),
});

export const ApiKeyDetail = ApiKey.extend({
  usage: z.array(ApiKeyUsageDay).meta({ description: 'Requests per UTC day over the last 30 days, oldest first.' }),
}).meta({ id: 'ApiKeyDetail' });
export type ApiKeyDetail = z.infer<typeof ApiKeyDetail>;

export const CreatedApiKey = ApiKey.extend({
  key: z.string().meta({ description: 'The secret key. Shown only in this response: store it now.' }),
}).meta({ id: 'CreatedApiKey' });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

const trimmedName = label(100, 'Name');

export const CreateApiKeyInput = z
  .object({
    name: trimmedName,
    scopes: z
      .array(Scope)
      .min(1, 'At least one scope')
      .max(3)
      .refine((s) => new Set(s).size === s.length, 'Scopes must not repeat')
      .default(['read', 'write']),
    expiresAt: Timestamp.nullable()
      .optional()
      .refine((v) => v == null || Date.parse(v) > Date.now(), 'expiresAt must be in the future'),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).default(DEFAULT_RATE_LIMIT_PER_MINUTE),
    dailyLimit: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
  })
  .strict()
  .meta({ id: 'CreateApiKeyInput' });
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;
export type CreateApiKeyParsed = z.output<typeof CreateApiKeyInput>;

export const AuthVerify = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(Scope),
    expiresAt: Timestamp.nullable(),
    rateLimitPerMinute: z.number().int(),
    dailyLimit: z.number().int().nullable(),
  })
  .meta({ id: 'AuthVerify' });
export type AuthVerify = z.infer<typeof AuthVerify>;
