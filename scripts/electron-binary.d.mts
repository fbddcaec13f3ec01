// Types for electron-binary.mjs (the tests import it from TypeScript).
export function electronPlatformPath(platform?: NodeJS.Platform | 'mas'): string;
export function findElectronBinary(options?: {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  from?: string;
}): { path: string; reason?: undefined } | { path?: undefined; reason: string };
export function hasDisplay(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): boolean;
