/** The files `GET /api/dashboard/assets/{name}` serves: the console's esbuild bundles (tools/buildConsole.ts). */
export const dashboardAssetNames = ['console.js', 'console.css'] as const;
