import type { DocumentedRoutes } from '../../platform/http/RouteDoc';
import { healthRouteDocs } from '../../platform/health/healthRouteDocs';
import { dashboardAssetDocs, dashboardPageDocs } from '../../monitoring/console/dashboardRouteDocs';
import { apiReferenceAssetDocs, apiReferencePageDocs } from '../apiReference/apiReferenceRouteDocs';

/**
 * The descriptions of HTTP functions whose handler is not a route table (pages, the anonymous health probe), by
 * function name. A function with neither a route table nor an entry here fails the API description test.
 */
export const pageRouteDocs: Record<string, DocumentedRoutes> = {
  health: healthRouteDocs,
  dashboard: dashboardPageDocs,
  dashboardAssets: dashboardAssetDocs,
  apiReference: apiReferencePageDocs,
  apiReferenceAssets: apiReferenceAssetDocs,
};
