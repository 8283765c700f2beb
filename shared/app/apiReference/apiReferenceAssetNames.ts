/** The files `GET /api/docs/assets/{name}` serves. */
export const apiReferenceAssetNames = ['swagger-ui-bundle.js', 'swagger-ui.css', 'reference.js', 'reference.css'] as const;
export type ApiReferenceAssetName = (typeof apiReferenceAssetNames)[number];
