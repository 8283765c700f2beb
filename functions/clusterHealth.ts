import { app } from '@azure/functions';
import { healthRoutes } from '../shared/clusterHealth/healthRoutes';
import { apiHandler } from '../shared/http/apiHandler';

/** GET /api/clusters/{id}/health: `redis-cli --cluster check` parity plus replicas, failures, memory, persistence. */
app.http('clusterHealth', { route: 'clusters/{id}/health', methods: ['GET'], authLevel: 'function', handler: apiHandler(healthRoutes) });
