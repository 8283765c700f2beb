import { app } from '@azure/functions';
import { apiHandler } from '../shared/http/apiHandler';
import { namespaceRoutes } from '../shared/namespaces/namespaceRoutes';

/** GET / PUT / DELETE /api/clusters/{id}/namespaces/{ns}: one namespace policy. */
app.http('namespace', { route: 'clusters/{id}/namespaces/{ns}', methods: ['GET', 'PUT', 'DELETE'], authLevel: 'function', handler: apiHandler(namespaceRoutes) });
