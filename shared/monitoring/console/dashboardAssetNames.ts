/** The files `GET /api/dashboard/assets/{name}` serves. */
export const dashboardAssetNames = ['app.js', 'app.css'] as const;
