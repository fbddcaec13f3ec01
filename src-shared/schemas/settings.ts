import { z } from 'zod';
import { httpUrlProblem } from './text';

const BaseUrl = z
  .string()
  .trim()
  .max(200)
  .refine(
    (s) => httpUrlProblem(s) === null && !/[?#@]/.test(s),
    'Use an http(s) URL with no credentials, query or fragment, e.g. https://qr.example.com',
  )
  .transform((s) => s.replace(/\/+$/, ''))
  .meta({ description: 'Where phones reach the public listener, e.g. a tunnel or a reverse proxy.' });

export const TRUST_PROXY_MODES = ['none', 'cloudflare', 'x-forwarded-for'] as const;
const TrustProxy = z.enum(TRUST_PROXY_MODES).meta({
  description:
    'Which forwarded headers the public listener believes for the client address: none (the socket), ' +
    'cloudflare (CF-Connecting-IP) or x-forwarded-for (the address the proxy in front added).',
});

/** Automatic backups: every this many hours (0 = off), into DATA_DIR/backups. */
export const BACKUP_INTERVAL_HOURS = { default: 24, max: 8760 } as const;
/** How many automatic backups are kept; older ones are deleted. */
export const BACKUP_RETENTION = { default: 7, min: 1, max: 1000 } as const;

const BackupIntervalHours = z
  .number()
  .int('Use a whole number of hours')
  .min(0)
  .max(BACKUP_INTERVAL_HOURS.max, `At most ${BACKUP_INTERVAL_HOURS.max} hours (a year)`)
  .meta({
    description:
      `Hours between automatic backups into DATA_DIR/backups (default ${BACKUP_INTERVAL_HOURS.default}); ` +
      '0 turns them off.',
  });
const BackupRetention = z
  .number()
  .int('Use a whole number')
  .min(BACKUP_RETENTION.min)
  .max(BACKUP_RETENTION.max)
  .meta({
    description: `Automatic backups kept (default ${BACKUP_RETENTION.default}); the oldest beyond it are deleted.`,
  });

export const Settings = z
  .object({
    publicBaseUrl: z.string().meta({
      description: 'The base of new dynamic codes\u2019 short URLs. Changing it never changes codes already made.',
    }),
    trustProxy: TrustProxy,
    geoCityDbPath: z
      .string()
      .nullable()
      .meta({
        description:
          'A MaxMind GeoLite2-City (or compatible) .mmdb file on this machine; when set, scans get city and ' +
          'coordinates. Without it, only the country is recorded, from the bundled database.',
      }),
    backupIntervalHours: BackupIntervalHours,
    backupRetention: BackupRetention,
  })
  .meta({ id: 'Settings' });
export type Settings = z.output<typeof Settings>;

export const UpdateSettingsInput = z
  .object({
    publicBaseUrl: BaseUrl.nullable().optional().meta({ description: 'null returns to the default.' }),
    trustProxy: TrustProxy.optional(),
    geoCityDbPath: z.string().trim().min(1).max(1024).nullable().optional().meta({
      description:
        'Checked by opening it: a file that is missing or not a city database is refused. null turns it off.',
    }),
    backupIntervalHours: BackupIntervalHours.optional(),
    backupRetention: BackupRetention.optional(),
  })
  .strict()
  .meta({ id: 'UpdateSettingsInput' });
export type UpdateSettingsInput = z.output<typeof UpdateSettingsInput>;
