import { app } from '@azure/functions';
import { clusterListRoutes } from '../shared/clusters/clusterRoutes';
import { apiHandler } from '../shared/http/apiHandler';

/** GET /api/clusters: every registered cluster. */
app.http('clusters', { route: 'clusters', methods: ['GET'], authLevel: 'function', handler: apiHandler(clusterListRoutes) });
