import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { AppSettings } from '../config/appSettings';
import { azureCredential } from '../config/azureCredential';

/**
 * Where the control plane keeps its own state. Locally a connection string (Azurite, over http); in Azure an
 * identity-based connection (`AzureWebJobsStorage__accountName` + managed identity, shared keys disabled).
 */
export type StorageTarget =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; accountName: string; clientId?: string };

/** Picks the storage target from app settings; throws a clear error naming the settings when neither is set. */
export function storageTarget(settings: AppSettings): StorageTarget {
  if (settings.AzureWebJobsStorage) return { kind: 'connectionString', connectionString: settings.AzureWebJobsStorage };
  if (settings.AzureWebJobsStorage__accountName) {
    return { kind: 'identity', accountName: settings.AzureWebJobsStorage__accountName, clientId: settings.AZURE_CLIENT_ID };
  }
  throw new Error("storage is not configured: set 'AzureWebJobsStorage' or 'AzureWebJobsStorage__accountName'");
}

/** True for Azurite and other plain-http development endpoints, which the SDKs refuse unless told otherwise. */
function isInsecure(connectionString: string): boolean {
  return /(^|;)\s*(UseDevelopmentStorage=true|\w+Endpoint=http:)/i.test(connectionString);
}

/** A client for one table. Cheap to create; the SDK pools sockets underneath. */
export function tableClient(target: StorageTarget, tableName: string): TableClient {
  if (target.kind === 'connectionString') {
    return TableClient.fromConnectionString(target.connectionString, tableName, {
      allowInsecureConnection: isInsecure(target.connectionString),
    });
  }
  return new TableClient(`https://${target.accountName}.table.core.windows.net`, tableName, azureCredential(target.clientId));
}

/** The table service (create/list tables). */
export function tableServiceClient(target: StorageTarget): TableServiceClient {
  if (target.kind === 'connectionString') {
    return TableServiceClient.fromConnectionString(target.connectionString, {
      allowInsecureConnection: isInsecure(target.connectionString),
    });
  }
  return new TableServiceClient(`https://${target.accountName}.table.core.windows.net`, azureCredential(target.clientId));
}

/** The blob service (warm sources, snapshots). */
export function blobServiceClient(target: StorageTarget): BlobServiceClient {
  if (target.kind === 'connectionString') return BlobServiceClient.fromConnectionString(target.connectionString);
  return new BlobServiceClient(`https://${target.accountName}.blob.core.windows.net`, azureCredential(target.clientId));
}
