import type { AppSettings } from '../../platform/config/appSettings';

/** What the console's "Sign in with Microsoft" needs (`GET /api/dashboard/assets/entra-config.json`); nothing secret. */
export type ConsoleEntraConfig =
  | { enabled: false }
  | {
      enabled: true;
      clientId: string;
      /** `https://login.microsoftonline.com/<tenant>`, or the local stand-in. */
      authority: string;
      /** The token's scopes: `<clientId>/.default` unless `CONSOLE_ENTRA_SCOPE` says otherwise. */
      scopes: string[];
      /** True when the authority is the local Entra stand-in (the app checks its tokens itself; never in Azure). */
      localStandIn: boolean;
    };

/** The console's Entra settings; sign-in is offered when a client id and a tenant (or an authority) are set. */
export function consoleEntraConfig(settings: Pick<AppSettings, 'CONSOLE_ENTRA_CLIENT_ID' | 'CONSOLE_ENTRA_TENANT_ID' | 'CONSOLE_ENTRA_AUTHORITY' | 'CONSOLE_ENTRA_SCOPE' | 'LOCAL_ENTRA_STANDIN_PUBLIC_KEY'>): ConsoleEntraConfig {
  const clientId = settings.CONSOLE_ENTRA_CLIENT_ID;
  const authority = settings.CONSOLE_ENTRA_AUTHORITY ?? (settings.CONSOLE_ENTRA_TENANT_ID ? `https://login.microsoftonline.com/${settings.CONSOLE_ENTRA_TENANT_ID}` : undefined);
  if (!clientId || !authority) return { enabled: false };
  return { enabled: true, clientId, authority: authority.replace(/\/+$/, ''), scopes: [settings.CONSOLE_ENTRA_SCOPE ?? `${clientId}/.default`], localStandIn: settings.LOCAL_ENTRA_STANDIN_PUBLIC_KEY !== undefined };
}
