import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { AppSettings } from '../config/appSettings';
import { azureCredential } from '../config/azureCredential';
import { recreateMissingTablePolicy } from './recreateMissingTable';
import { storageDeadlinePolicy } from './storageDeadline';

/**
 * Where the control plane keeps its own state. Locally a connection string (Azurite, over http); in Azure an
 * identity-based connection (`AzureWebJobsStorage__accountName` + managed identity, shared keys disabled).
 */
export type StorageTarget = (
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; accountName: string; clientId?: string }
) & {
  /** Deadline of every call, retries included (`STORAGE_TIMEOUT_MS`). @default 2500 */
  timeoutMs?: number;
};

/** @default 2500: a hung storage answers 503 well within 3 s. */
export const defaultStorageTimeoutMs = 2500;

/** Picks the storage target from app settings; throws a clear error naming the settings when neither is set. */
export function storageTarget(settings: AppSettings): StorageTarget {
  const timeoutMs = settings.STORAGE_TIMEOUT_MS ?? defaultStorageTimeoutMs;
  if (settings.AzureWebJobsStorage) return { kind: 'connectionString', connectionString: settings.AzureWebJobsStorage, timeoutMs };
  if (settings.AzureWebJobsStorage__accountName) {
    return { kind: 'identity', accountName: settings.AzureWebJobsStorage__accountName, clientId: settings.AZURE_CLIENT_ID, timeoutMs };
  }
  throw new Error("storage is not configured: set 'AzureWebJobsStorage' or 'AzureWebJobsStorage__accountName'");
}

/** True for Azurite and other plain-http development endpoints, which the SDKs refuse unless told otherwise. */
function isInsecure(connectionString: string): boolean {
  return /(^|;)\s*(UseDevelopmentStorage=true|\w+Endpoint=http:)/i.test(connectionString);
}

/** Every client carries the deadline policy, so no Table or Blob call can hang an invocation. */
function deadline(target: StorageTarget) {
  return { additionalPolicies: [{ policy: storageDeadlinePolicy(target.timeoutMs ?? defaultStorageTimeoutMs), position: 'perCall' as const }] };
}

/**
 * A client for one table. Cheap to create; the SDK pools sockets underneath. A call that finds the table gone
 * (Azurite killed before it saved a new table) creates it again and is sent once more (`recreateMissingTablePolicy`).
 */
export function tableClient(target: StorageTarget, tableName: string): TableClient {
  // The policy runs only on calls made after `client` exists.
  const recreate = recreateMissingTablePolicy(async () => {
    await client.createTable();
  });
  const options = { additionalPolicies: [...deadline(target).additionalPolicies, { policy: recreate, position: 'perCall' as const }] };
  const client =
    target.kind === 'connectionString'
      ? TableClient.fromConnectionString(target.connectionString, tableName, { allowInsecureConnection: isInsecure(target.connectionString), ...options })
      : new TableClient(`https://${target.accountName}.table.core.windows.net`, tableName, azureCredential(target.clientId), options);
  return client;
}

/** The table service (create/list tables). */
export function tableServiceClient(target: StorageTarget): TableServiceClient {
  if (target.kind === 'connectionString') {
    return TableServiceClient.fromConnectionString(target.connectionString, {
      allowInsecureConnection: isInsecure(target.connectionString),
      ...deadline(target),
    });
  }
  return new TableServiceClient(`https://${target.accountName}.table.core.windows.net`, azureCredential(target.clientId), deadline(target));
}

/** The blob service (warm sources, snapshots); container and blob clients made from it share its deadline. */
export function blobServiceClient(target: StorageTarget): BlobServiceClient {
  const client =
    target.kind === 'connectionString'
      ? BlobServiceClient.fromConnectionString(target.connectionString)
      : new BlobServiceClient(`https://${target.accountName}.blob.core.windows.net`, azureCredential(target.clientId));
  // storage-blob takes no `additionalPolicies`; its core pipeline is built once per client (and shared by the
  // container and blob clients derived from it), so the policy goes there. Checked, so an SDK change fails loudly.
  const core = (client as unknown as { storageClientContext?: { pipeline?: { addPolicy?: (p: unknown) => void } } }).storageClientContext?.pipeline;
  if (typeof core?.addPolicy !== 'function') throw new Error('@azure/storage-blob: no core pipeline to add the storage deadline to');
  core.addPolicy(storageDeadlinePolicy(target.timeoutMs ?? defaultStorageTimeoutMs));
  return client;
}
