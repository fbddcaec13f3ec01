import {
  BACKUP_INTERVAL_HOURS,
  BACKUP_RETENTION,
  type Settings,
  type UpdateSettingsInput,
} from '../../src-shared/schemas/settings';
import { DEFAULT_TUNNEL_SETTINGS, type TunnelSettings } from '../../src-shared/schemas/tunnel';
import type { Store } from '../store/store';

const PUBLIC_BASE_URL = 'publicBaseUrl';
const TRUST_PROXY = 'trustProxy';
const GEO_CITY_DB_PATH = 'geoCityDbPath';
const TUNNEL = 'tunnel';
const BACKUP_INTERVAL = 'backupIntervalHours';
const BACKUP_KEEP = 'backupRetention';

/** App settings; a setting never stored falls back to its default. */
export class SettingsService {
  constructor(
    private readonly store: Store,
    /** The base URL of the public listener when the user has not chosen one (QRDESK_PUBLIC_BASE_URL, else the listener). */
    private readonly defaultPublicBaseUrl: () => string,
  ) {}

  /** What is stored, read once: trustProxy is needed on every scan, and only this service writes settings. */
  private stored:
    | {
        publicBaseUrl?: string;
        trustProxy?: Settings['trustProxy'];
        geoCityDbPath?: string;
        backupIntervalHours?: number;
        backupRetention?: number;
      }
    | undefined;

  get(): Settings {
    this.stored ??= {
      publicBaseUrl: this.store.settings.get<string>(PUBLIC_BASE_URL),
      trustProxy: this.store.settings.get<Settings['trustProxy']>(TRUST_PROXY),
      geoCityDbPath: this.store.settings.get<string>(GEO_CITY_DB_PATH),
      backupIntervalHours: this.store.settings.get<number>(BACKUP_INTERVAL),
      backupRetention: this.store.settings.get<number>(BACKUP_KEEP),
    };
    return {
      publicBaseUrl: this.stored.publicBaseUrl ?? this.defaultPublicBaseUrl(),
      trustProxy: this.stored.trustProxy ?? 'none',
      geoCityDbPath: this.stored.geoCityDbPath ?? null,
      backupIntervalHours: this.stored.backupIntervalHours ?? BACKUP_INTERVAL_HOURS.default,
      backupRetention: this.stored.backupRetention ?? BACKUP_RETENTION.default,
    };
  }

  update(input: UpdateSettingsInput): Settings {
    if (input.publicBaseUrl === null) this.store.settings.remove(PUBLIC_BASE_URL);
    else if (input.publicBaseUrl !== undefined) this.store.settings.set(PUBLIC_BASE_URL, input.publicBaseUrl);
    if (input.trustProxy !== undefined) this.store.settings.set(TRUST_PROXY, input.trustProxy);
    if (input.geoCityDbPath === null) this.store.settings.remove(GEO_CITY_DB_PATH);
    else if (input.geoCityDbPath !== undefined) this.store.settings.set(GEO_CITY_DB_PATH, input.geoCityDbPath);
    if (input.backupIntervalHours !== undefined) this.store.settings.set(BACKUP_INTERVAL, input.backupIntervalHours);
    if (input.backupRetention !== undefined) this.store.settings.set(BACKUP_KEEP, input.backupRetention);
    this.stored = undefined;
    return this.get();
  }

  /** The tunnel's settings that are not secrets (its credentials live in the secret store). */
  tunnel(): TunnelSettings {
    return { ...DEFAULT_TUNNEL_SETTINGS, ...this.store.settings.get<Partial<TunnelSettings>>(TUNNEL) };
  }

  updateTunnel(patch: Partial<TunnelSettings>): TunnelSettings {
    const next = { ...this.tunnel(), ...patch };
    this.store.settings.set(TUNNEL, next);
    return next;
  }
}
