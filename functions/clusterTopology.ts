import { app } from '@azure/functions';
import { apiHandler } from '../shared/http/apiHandler';
import { topologyRoutes } from '../shared/topology/topologyRoutes';

/** GET /api/clusters/{id}/topology: nodes, roles, slots, links, failure flags, epochs, keys and memory. */
app.http('clusterTopology', { route: 'clusters/{id}/topology', methods: ['GET'], authLevel: 'function', handler: apiHandler(topologyRoutes) });
