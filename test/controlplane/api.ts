import { HttpRequest, InvocationContext } from '@azure/functions';
import type { Logger } from '../../shared/platform/store/Outbox';
import type { AppSettings } from '../../shared/platform/config/appSettings';
import type { EventPublisher } from '../../shared/platform/events/EventPublisher';
import type { RouteTable } from '../../shared/platform/http/apiHandler';
import { apiHandler } from '../../shared/platform/http/apiHandler';
import { openControlPlane, type ControlPlane } from '../../shared/platform/controlPlane';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';

/** API keys of the test principals (names are what the audit log records). */
export const apiKeys = {
  admin: 'admin-key-0123456789abcdefghij',
  operator: 'operator-key-0123456789abcdefghij',
  reader: 'reader-key-0123456789abcdefghij',
};
export const apimSecret = 'apim-shared-secret-0123456789';

export function testSettings(extra: Partial<AppSettings> = {}): AppSettings {
  return {
    AzureWebJobsStorage: azuriteConnectionString(),
    STATE_TABLE_PREFIX: uniqueTableName('cp'),
    API_KEYS: `ada:admin:${apiKeys.admin};otto:operator:${apiKeys.operator}\nrita:reader:${apiKeys.reader}`,
    APIM_SHARED_SECRET: apimSecret,
    ...extra,
  };
}

/** A control plane on fresh tables of the shared Azurite; publishing off unless a publisher is given. */
export function testControlPlane(options: { publisher?: EventPublisher | null; settings?: Partial<AppSettings>; log?: Logger } = {}): Promise<ControlPlane> {
  return openControlPlane(testSettings(options.settings), { publisher: options.publisher ?? null, log: options.log ?? { warn: () => {}, error: () => {} } });
}

export interface Call {
  method: string;
  path: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  as?: keyof typeof apiKeys | 'nobody';
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
  json: any;
  logged: string[];
}

/** Runs a route table the way the Functions runtime does: a real `HttpRequest` and `InvocationContext`. */
export async function callRoutes(cp: ControlPlane, routes: RouteTable, call: Call): Promise<CallResult> {
  const headers: Record<string, string> = { ...(call.as === 'nobody' ? {} : { 'x-api-key': apiKeys[call.as ?? 'admin'] }) };
  let body: { string: string } | undefined;
  if (call.body !== undefined) {
    body = { string: typeof call.body === 'string' ? call.body : JSON.stringify(call.body) };
    headers['content-type'] = 'application/json';
  }
  Object.assign(headers, call.headers);
  const request = new HttpRequest({ method: call.method, url: `http://localhost/api${call.path}`, headers, params: call.params ?? {}, ...(body ? { body } : {}) });
  const logged: string[] = [];
  const context = new InvocationContext({ invocationId: `inv-${Math.random().toString(36).slice(2)}`, logHandler: (_level, ...args) => logged.push(args.map(String).join(' ')) });
  const response = await apiHandler(routes, async () => cp)(request, context);
  return { status: response.status, headers: response.headers, json: response.body ? JSON.parse(response.body) : undefined, logged };
}

export const sampleCluster = {
  mode: 'standalone',
  endpoints: [{ host: '127.0.0.1', port: 6390 }],
  tls: { enabled: false },
  secretRef: { kind: 'env', name: 'REDIS_PASSWORD_MAIN' },
};

export const samplePolicy = { keyPattern: 'user:*', ttlSeconds: 3600, ttlJitterPercent: 10, priority: 70, protected: false, warmPlan: null };
