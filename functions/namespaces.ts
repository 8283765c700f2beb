import { app } from '@azure/functions';
import { apiHandler } from '../shared/http/apiHandler';
import { namespaceListRoutes } from '../shared/namespaces/namespaceRoutes';

/** GET /api/clusters/{id}/namespaces: every namespace policy of a cluster. */
app.http('namespaces', { route: 'clusters/{id}/namespaces', methods: ['GET'], authLevel: 'function', handler: apiHandler(namespaceListRoutes) });
