import { app } from '@azure/functions';
import { clusterRoutes } from '../shared/clusters/clusterRoutes';
import { apiHandler } from '../shared/http/apiHandler';

/** GET / PUT / DELETE /api/clusters/{id}: one cluster registration. */
app.http('cluster', { route: 'clusters/{id}', methods: ['GET', 'PUT', 'DELETE'], authLevel: 'function', handler: apiHandler(clusterRoutes) });
