import {
  ApiKey,
  ApiKeyDetail,
  AuthVerify,
  CreateApiKeyInput,
  CreatedApiKey,
} from '../../../src-shared/schemas/api-keys';
import { IdParams, PageQuery, pageOf } from '../../../src-shared/schemas/common';
import type { ApiKeyService } from '../../services/api-keys';
import { defineRoute, type Route } from '../route';

const TAG = 'API keys';

export function apiKeyRoutes(apiKeys: ApiKeyService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/auth/verify',
      operationId: 'verifyAuth',
      summary: 'Describe the calling key',
      description:
        'Answers which key made the request: its name, prefix, scopes, expiry and limits. Any valid key may call it.',
      tag: TAG,
      auth: 'any',
      success: { status: 200, description: 'The calling key', schema: AuthVerify },
      handler: ({ key }) => ({ body: apiKeys.describe(key!) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/api-keys',
      operationId: 'listApiKeys',
      summary: 'List API keys',
      description: 'Newest first, cursor-paginated. Revoked keys are listed with `revokedAt` set.',
      tag: TAG,
      auth: 'admin',
      query: PageQuery,
      success: { status: 200, description: 'A page of keys', schema: pageOf(ApiKey, 'ApiKeyPage') },
      errors: ['INVALID_CURSOR'],
      handler: ({ query }) => ({ body: apiKeys.list(query.limit, query.cursor) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key',
      description: 'The response carries the secret `key` once; only its SHA-256 hash is stored.',
      tag: TAG,
      auth: 'admin',
      body: CreateApiKeyInput,
      success: { status: 201, description: 'The new key, with its secret', schema: CreatedApiKey },
      handler: ({ body }) => {
        const created = apiKeys.create(body);
        return { status: 201, body: created, headers: { Location: `/api/v1/api-keys/${created.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/api-keys/:id',
      operationId: 'getApiKey',
      summary: 'Get an API key with its usage',
      tag: TAG,
      auth: 'admin',
      params: IdParams,
      success: { status: 200, description: 'The key and its daily request counts', schema: ApiKeyDetail },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: apiKeys.get(params.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/api-keys/:id',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description: 'The key stops working at once and stays listed with `revokedAt`. Revoking twice is not an error.',
      tag: TAG,
      auth: 'admin',
      params: IdParams,
      success: { status: 200, description: 'The revoked key', schema: ApiKey },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: apiKeys.revoke(params.id) }),
    }),
  ];
}
