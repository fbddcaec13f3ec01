import { Settings, UpdateSettingsInput } from '../../../src-shared/schemas/settings';
import type { SettingsService } from '../../services/settings';
import { defineRoute, type Route } from '../route';

const TAG = 'Settings';

export interface SettingsRouteDeps {
  /** Opens the city database the setting names (null: none) and starts using it; throws VALIDATION_ERROR if it cannot. */
  useGeoCityDb(path: string | null): Promise<void>;
}

export function settingsRoutes(settings: SettingsService, deps: SettingsRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/settings',
      operationId: 'getSettings',
      summary: 'Get the settings',
      tag: TAG,
      auth: 'admin',
      success: { status: 200, description: 'The settings', schema: Settings },
      handler: () => ({ body: settings.get() }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/settings',
      operationId: 'updateSettings',
      summary: 'Change the settings',
      description: 'A new `publicBaseUrl` applies to dynamic codes created from now on; existing codes keep theirs.',
      tag: TAG,
      auth: 'admin',
      body: UpdateSettingsInput,
      success: { status: 200, description: 'The settings', schema: Settings },
      handler: async ({ body }) => {
        // Open the city database first: a path that does not work is refused and nothing is saved.
        if (body.geoCityDbPath !== undefined) await deps.useGeoCityDb(body.geoCityDbPath);
        return { body: settings.update(body) };
      },
    }),
  ];
}
