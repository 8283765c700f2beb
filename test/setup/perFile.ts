import { afterAll } from 'vitest';
import { closeTrackedClients } from '../helpers/redis';

// Runs in every test file: clients opened outside a test (module scope, beforeAll) are closed after the file.
afterAll(async () => {
  await closeTrackedClients();
});
