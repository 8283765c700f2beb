/** The host's options and handle, in their own module so `index.ts` and `startHost.ts` do not import each other. */
export interface HostOptions {
  /** Folder with host.json + package.json. */
  appDir: string;
  /** Overrides package.json `main`: files or globs, relative to appDir. `.ts` files load through tsx. */
  entryFiles?: string[];
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  hostname?: string;
  /** Applied to process.env before the app loads (like local.settings.json `Values`). */
  settings?: Record<string, string>;
  /** Host keys; any not given is generated at random. `eventGridKey` is the `eventgrid_extension` system key the Event Grid webhook requires. */
  keys?: { functionKey?: string; masterKey?: string; eventGridKey?: string };
  /** @default <appDir>/infra/eventgrid-subscriptions.json when present */
  subscriptionsFile?: string;
  /** `aeg-sas-key` of both local topics. @default random */
  topicKey?: string;
  /** Event delivery retries and dead-lettering; defaults are short for local use. */
  delivery?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number; deadLetterDir?: string };
  /** How long stop() waits for in-flight invocations. @default 10000 */
  drainTimeoutMs?: number;
  /** @default console.log */
  log?: (line: string) => void;
}

export interface HostedFunction {
  name: string;
  /** The binding type without `Trigger`: 'http', 'timer', 'eventGrid', ... */
  trigger: 'http' | 'timer' | 'eventGrid' | string;
  /** HTTP only: the route template including the route prefix, e.g. `api/items/{id:int}`. */
  route?: string;
  /** HTTP only: allowed methods; undefined = all. */
  methods?: string[];
  /** Timer only: the schedule after `%SETTING%` resolution. */
  schedule?: string;
}

export interface RunningHost {
  /** e.g. http://127.0.0.1:7071 */
  url: string;
  /** `eventGridKey`: the `eventgrid_extension` system key (`?code=` of the Event Grid webhook; the local topics deliver with it). */
  keys: { functionKey: string; masterKey: string; eventGridKey: string };
  /** The app's CloudEvents custom topic, for `EventGridPublisherClient(endpoint, 'CloudEvent', new AzureKeyCredential(key))`. */
  topic: { endpoint: string; key: string };
  /** Stands in for the Microsoft.Cache system topic (Event Grid schema). */
  redisTopic: { endpoint: string; key: string };
  functions: ReadonlyArray<HostedFunction>;
  deadLetters(): ReadonlyArray<unknown>;
  /** Resolves when no event delivery or retry is pending. */
  deliveriesIdle(): Promise<void>;
  /** Stops timers and the listener, drains in-flight invocations (bounded), runs appTerminate hooks. */
  stop(): Promise<void>;
}
