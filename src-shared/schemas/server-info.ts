import { z } from 'zod';
import { Timestamp } from './common';

export const ServerInfo = z
  .object({
    version: z.string().meta({ description: 'The qrdesk version.', example: '0.1.0' }),
    dataDir: z.string().meta({ description: 'The data directory: the database, logs and server.json.' }),
    apiUrl: z.string().meta({ description: 'The API listener.', example: 'http://127.0.0.1:4780' }),
    publicUrl: z.string().meta({ description: 'The public listener (redirects).', example: 'http://127.0.0.1:4781' }),
    apiPort: z.number().int(),
    publicPort: z.number().int(),
    startedAt: Timestamp.meta({ description: 'When the server started (as in server.json).' }),
    pid: z.number().int().meta({ description: 'The server process id.' }),
    nodeVersion: z.string().meta({ description: 'The Node.js version, without a leading "v".', example: '22.12.0' }),
    electronVersion: z
      .string()
      .nullable()
      .meta({ description: 'The Electron version when the server runs inside the desktop app; null headless.' }),
    platform: z.string().meta({ description: "Node's process.platform: linux, darwin, win32…", example: 'linux' }),
    arch: z.string().meta({ description: "Node's process.arch: x64, arm64…", example: 'x64' }),
  })
  .meta({ id: 'ServerInfo' });
export type ServerInfo = z.output<typeof ServerInfo>;
