import { createStandardPublicClientApplication, InteractionRequiredAuthError, type IPublicClientApplication } from '@azure/msal-browser';
import type { EntraConfig, EntraSignIn } from '../entraTypes';

/**
 * The console's Entra sign-in, bundled apart from the console (entra.js) so the API-key path never downloads MSAL.
 * Authorization code with PKCE in a popup (the page's own hash is the console's router, so no redirect lands on it);
 * the popup returns to `dashboard/assets/signed-in.html`, whose MSAL redirect bridge hands the answer back. Tokens
 * stay in this tab's session storage (MSAL's cache), like the API key.
 */
let app: Promise<IPublicClientApplication> | null = null;

function client(config: EntraConfig): Promise<IPublicClientApplication> {
  app ??= createStandardPublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      // The authority is trusted as given (Entra's host, a sovereign cloud's, or the local stand-in): no instance discovery call.
      knownAuthorities: [new URL(config.authority).host],
      redirectUri: new URL('dashboard/assets/signed-in.html', location.href.replace(/[?#].*$/, '')).href,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  return app as Promise<IPublicClientApplication>;
}

const rcmEntra: EntraSignIn = {
  async signIn(config) {
    const pca = await client(config);
    const result = await pca.loginPopup({ scopes: config.scopes, prompt: 'select_account' });
    pca.setActiveAccount(result.account);
    return result.account.username;
  },
  async token(config) {
    const pca = await client(config);
    const account = pca.getActiveAccount() ?? pca.getAllAccounts()[0];
    if (!account) return null;
    try {
      return (await pca.acquireTokenSilent({ scopes: config.scopes, account })).accessToken;
    } catch (error) {
      if (error instanceof InteractionRequiredAuthError) return null;
      throw error;
    }
  },
  async signOut(config) {
    const pca = await client(config);
    await pca.clearCache();
  },
};

window.rcmEntra = rcmEntra;
