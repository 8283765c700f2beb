import { app } from '@azure/functions';
import { clusterEventRoutes } from '../shared/clusters/clusterEventRoutes';
import { apiHandler } from '../shared/http/apiHandler';

/** GET /api/clusters/{id}/events: the cluster's audit log, newest first. */
app.http('clusterEvents', { route: 'clusters/{id}/events', methods: ['GET'], authLevel: 'function', handler: apiHandler(clusterEventRoutes) });
