import { app } from '@azure/functions';
import { apiHandler } from '../shared/http/apiHandler';
import { keyRoutes } from '../shared/keys/keyRoutes';

/** GET /api/clusters/{id}/keys/{key}: type, TTL, memory, encoding, idle/LFU, slot and owning node of one key. */
app.http('keyInspect', { route: 'clusters/{id}/keys/{key}', methods: ['GET'], authLevel: 'function', handler: apiHandler(keyRoutes) });
