import { z } from 'zod';
import { Timestamp } from './common';
import { httpUrlProblem } from './text';

export const TUNNEL_PROVIDERS = ['none', 'custom-domain', 'cloudflared', 'ngrok', 'localtunnel'] as const;
export const TunnelProviderName = z.enum(TUNNEL_PROVIDERS).meta({
  id: 'TunnelProvider',
  description:
    'How phones reach the public listener: `custom-domain` (your own reverse proxy), `cloudflared` (Cloudflare ' +
    'Tunnel, named with a token or a quick tunnel without), `ngrok`, `localtunnel` (a self-hosted server), or `none`.',
});
export type TunnelProviderName = z.infer<typeof TunnelProviderName>;

export const TUNNEL_STATES = ['stopped', 'starting', 'up', 'down', 'error'] as const;
export type TunnelState = (typeof TUNNEL_STATES)[number];

export const TUNNEL_WARNINGS = ['QUICK_TUNNEL', 'RANDOM_HOSTNAME', 'SUBDOMAIN_TAKEN', 'BASE_URL_MISMATCH'] as const;
export type TunnelWarningCode = (typeof TUNNEL_WARNINGS)[number];

const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** An http(s) base URL with no credentials, query or fragment; trailing slashes dropped. */
const baseUrl = (what: string, example: string) =>
  z
    .string()
    .trim()
    .max(200, `${what} is at most 200 characters`)
    .refine(
      (s) => httpUrlProblem(s) === null && !/[?#@]/.test(s),
      `${what} must be an http(s) URL with no credentials, query or fragment, e.g. ${example}`,
    )
    .transform((s) => s.replace(/\/+$/, ''));

const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const hostname = (what: string, example: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .max(253, `${what} is at most 253 characters`)
    .regex(HOSTNAME, `${what} must be a host name such as ${example}, without https:// or a path`);

/** A credential: printable ASCII without spaces, so it can never smuggle a header or a second argument. */
const credential = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty (null removes it)`)
    .max(max, `${what} is at most ${max} characters`)
    .regex(/^[\x21-\x7e]+$/, `${what} must be printable ASCII without spaces`);

/** The tunnel settings that are not secrets, as stored by the settings service. */
export const TunnelSettings = z.object({
  provider: TunnelProviderName,
  autoStart: z.boolean().meta({ description: 'Start the tunnel whenever the server starts.' }),
  customDomainUrl: z.string().nullable().meta({
    description: 'custom-domain: the URL of your reverse proxy, which forwards to the public listener.',
  }),
  cloudflaredPath: z.string().nullable().meta({
    description: 'cloudflared: the executable to run; null looks for `cloudflared` on PATH and the usual places.',
  }),
  cloudflaredHostname: z.string().nullable().meta({
    description: 'cloudflared named tunnel: the public hostname routed to this tunnel in the Cloudflare dashboard.',
  }),
  ngrokDomain: z.string().nullable().meta({
    description: 'ngrok: your reserved (static) domain; without it ngrok gives a new random URL at every start.',
  }),
  localtunnelServerUrl: z.string().nullable().meta({ description: 'localtunnel: your self-hosted server.' }),
  localtunnelSubdomain: z.string().nullable().meta({
    description: 'localtunnel: the subdomain to ask for, so the URL stays the same; null takes a random one.',
  }),
});
export type TunnelSettings = z.output<typeof TunnelSettings>;

export const DEFAULT_TUNNEL_SETTINGS: TunnelSettings = {
  provider: 'none',
  autoStart: false,
  customDomainUrl: null,
  cloudflaredPath: null,
  cloudflaredHostname: null,
  ngrokDomain: null,
  localtunnelServerUrl: null,
  localtunnelSubdomain: null,
};

export const TunnelConfig = TunnelSettings.extend({
  hasCloudflaredToken: z.boolean().meta({ description: 'A cloudflared tunnel token is stored (never shown).' }),
  hasNgrokAuthtoken: z.boolean().meta({ description: 'An ngrok authtoken is stored (never shown).' }),
}).meta({ id: 'TunnelConfig' });
export type TunnelConfig = z.output<typeof TunnelConfig>;

export const UpdateTunnelInput = z
  .object({
    provider: TunnelProviderName.optional().meta({
      description:
        'Also sets `trustProxy`: `cloudflare` for cloudflared, `x-forwarded-for` for the others, `none` for none.',
    }),
    autoStart: z.boolean().optional(),
    customDomainUrl: baseUrl('customDomainUrl', 'https://qr.example.com').nullable().optional(),
    cloudflaredPath: z
      .string()
      .trim()
      .min(1, 'cloudflaredPath must not be empty (null looks for cloudflared)')
      .max(1024, 'cloudflaredPath is at most 1024 characters')
      .refine((s) => !hasControl(s), 'cloudflaredPath must not contain control characters')
      .refine((s) => /^(?:\/|[A-Za-z]:[\\/])/.test(s), 'cloudflaredPath must be an absolute path')
      .nullable()
      .optional()
      .meta({ description: 'Checked: it must be an executable file.' }),
    cloudflaredHostname: hostname('cloudflaredHostname', 'qr.example.com').nullable().optional(),
    cloudflaredToken: credential('cloudflaredToken', 4096)
      .nullable()
      .optional()
      .meta({
        description:
          'The token of a named tunnel (Cloudflare dashboard: Networks > Tunnels > your tunnel). Write-only: kept ' +
          'in the secret store, never returned. Without one, cloudflared runs a quick tunnel.',
      }),
    ngrokAuthtoken: credential('ngrokAuthtoken', 512)
      .nullable()
      .optional()
      .meta({ description: 'Your ngrok authtoken. Write-only: kept in the secret store, never returned.' }),
    ngrokDomain: hostname('ngrokDomain', 'qr-cafe.ngrok.app').nullable().optional(),
    localtunnelServerUrl: baseUrl('localtunnelServerUrl', 'https://lt.example.com').nullable().optional(),
    localtunnelSubdomain: z
      .string()
      .trim()
      .regex(
        /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/,
        'localtunnelSubdomain must be 4 to 63 lower-case letters, digits or hyphens',
      )
      .nullable()
      .optional(),
  })
  .strict()
  .meta({ id: 'UpdateTunnelInput' });
export type UpdateTunnelInput = z.output<typeof UpdateTunnelInput>;

export const TunnelCheck = z
  .object({
    at: Timestamp,
    ok: z.boolean(),
    status: z.number().int().nullable().meta({ description: 'The HTTP status of `<publicUrl>/health`, if any.' }),
    message: z.string().nullable(),
  })
  .meta({ id: 'TunnelCheck', description: 'The last self-check: `<publicUrl>/health` fetched through the tunnel.' });
export type TunnelCheck = z.output<typeof TunnelCheck>;

export const TunnelWarning = z
  .object({
    code: z.enum(TUNNEL_WARNINGS),
    message: z.string(),
  })
  .meta({ id: 'TunnelWarning' });
export type TunnelWarning = z.output<typeof TunnelWarning>;

export const TunnelStatus = z
  .object({
    provider: TunnelProviderName,
    state: z.enum(TUNNEL_STATES).meta({
      description:
        '`stopped`; `starting`; `up` (phones can reach the public listener); `down` (lost, reconnecting with ' +
        'backoff); `error` (needs you: a missing or refused credential, cloudflared not found, the API exposed).',
    }),
    publicUrl: z.string().nullable().meta({ description: 'Where the tunnel is reached; null when not up.' }),
    since: Timestamp.nullable().meta({ description: 'When the state last changed.' }),
    message: z.string().nullable().meta({ description: 'Why the tunnel is down or in error.' }),
    nextRetryAt: Timestamp.nullable().meta({ description: 'When a down tunnel tries again.' }),
    lastCheck: TunnelCheck.nullable(),
    warnings: z.array(TunnelWarning),
    config: TunnelConfig,
  })
  .meta({ id: 'TunnelStatus' });
export type TunnelStatus = z.output<typeof TunnelStatus>;
