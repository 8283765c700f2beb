/**
 * The files `GET /api/dashboard/assets/{name}` serves: the console's esbuild bundles (tools/buildConsole.ts); the
 * Entra sign-in, loaded only when the user picks it (`entra.js` with MSAL, `entra-bridge.js` + `signed-in.html` for
 * the popup's redirect); and `entra-config.json`, the sign-in settings (client id, authority, scope; nothing secret).
 */
export const dashboardAssetNames = ['console.js', 'console.css', 'entra.js', 'entra-bridge.js', 'signed-in.html', 'entra-config.json'] as const;
