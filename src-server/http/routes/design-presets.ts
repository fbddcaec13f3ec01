import { IdParams } from '../../../src-shared/schemas/common';
import {
  CreateDesignPresetInput,
  DesignPreset,
  DesignPresetList,
  MAX_USER_PRESETS,
} from '../../../src-shared/schemas/design-presets';
import type { DesignPresetService } from '../../services/design-presets';
import { defineRoute, type Route } from '../route';

const TAG = 'Design presets';

export function designPresetRoutes(presets: DesignPresetService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/design-presets',
      operationId: 'listDesignPresets',
      summary: 'List design presets',
      description:
        'Every preset in one page: the built-ins first (in their fixed order), then the saved ones, newest first. ' +
        '`nextCursor` is always null.',
      tag: TAG,
      auth: 'read',
      success: { status: 200, description: 'All design presets', schema: DesignPresetList },
      handler: () => ({ body: presets.list() }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/design-presets',
      operationId: 'createDesignPreset',
      summary: 'Save a design as a preset',
      description:
        `The design is checked as a QR code's is, and stored complete (defaults filled in). At most ` +
        `${MAX_USER_PRESETS} saved presets: past that, 409 CONFLICT until one is deleted.`,
      tag: TAG,
      auth: 'write',
      body: CreateDesignPresetInput,
      idempotent: true,
      success: { status: 201, description: 'The new preset', schema: DesignPreset },
      errors: ['CONFLICT'],
      handler: ({ body }) => {
        const preset = presets.create(body);
        return { status: 201, body: preset, headers: { Location: `/api/v1/design-presets/${preset.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/design-presets/:id',
      operationId: 'getDesignPreset',
      summary: 'Get a design preset',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The preset', schema: DesignPreset },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: presets.get(params.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/design-presets/:id',
      operationId: 'deleteDesignPreset',
      summary: 'Delete a saved design preset',
      description: 'Built-in presets cannot be deleted: 409 CONFLICT.',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      success: { status: 204, description: 'Deleted' },
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: ({ params }) => {
        presets.remove(params.id);
        return { status: 204, body: null };
      },
    }),
  ];
}
