import { create } from 'zustand';
import { scopeAllows, type AuthVerify, type Scope } from '../../../src-shared/schemas/api-keys';

/** Who the UI is signed in as; set once the key has been verified. */
interface Session {
  baseUrl: string;
  who: AuthVerify | null;
  /** The app's version, from the desktop bridge (null in a browser). */
  desktopVersion: string | null;
  signIn(baseUrl: string, who: AuthVerify, desktopVersion: string | null): void;
}

export const useSession = create<Session>()((set) => ({
  baseUrl: window.location.origin,
  who: null,
  desktopVersion: null,
  signIn: (baseUrl, who, desktopVersion) => set({ baseUrl, who, desktopVersion }),
}));

/** True when the signed-in key has the scope (admin implies write implies read). */
export function hasScope(who: AuthVerify | null, scope: Scope): boolean {
  return who !== null && scopeAllows(who.scopes, scope);
}
