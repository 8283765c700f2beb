/**
 * The contract between the console (console.js, always loaded) and its Entra sign-in (entra.js, with MSAL, loaded
 * only when the user picks "Sign in with Microsoft" or comes back signed in), which sets `window.rcmEntra`.
 */
export interface EntraConfig {
  enabled: true;
  clientId: string;
  authority: string;
  scopes: string[];
  localStandIn: boolean;
}

export interface EntraSignIn {
  /** The popup sign-in; resolves with the signed-in user's name (UPN). */
  signIn(config: EntraConfig): Promise<string>;
  /** An access token for the API: from MSAL's cache, refreshed silently; null when the user must sign in again. */
  token(config: EntraConfig): Promise<string | null>;
  /** Forgets the account and its tokens in this tab (MSAL's cache in session storage). */
  signOut(config: EntraConfig): Promise<void>;
}

declare global {
  interface Window {
    rcmEntra?: EntraSignIn;
  }
}
