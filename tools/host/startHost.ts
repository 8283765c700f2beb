import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RegisteredFunction } from './core/createCoreApi.js';
import { createCoreApi } from './core/createCoreApi.js';
import { createHostLogger } from './core/hostLogger.js';
import { problem, type HostRequest, type HostResponse } from './core/hostTypes.js';
import { installCoreApi } from './core/installCoreApi.js';
import { createInvoker } from './core/invokeFunction.js';
import { loadEntryFiles, resolveEntryFiles } from './core/loadApp.js';
import { readHostJson } from './core/readHostJson.js';
import { checkEventGridWebhookKey, eventGridWebhookPath, handleEventGridWebhook } from './eventgrid/eventGridWebhook.js';
import { createEventDelivery } from './eventgrid/eventDelivery.js';
import { loadSubscriptions } from './eventgrid/loadSubscriptions.js';
import { checkTopicKey, handleTopicPublish, type LocalTopic } from './eventgrid/topicEndpoint.js';
import { handleAdmin, type FunctionSummary } from './http/adminApi.js';
import { createHostServer } from './http/createServer.js';
import { buildHttpRoutes, handleHttpTrigger, matchHttpTrigger, triggerBinding } from './http/httpRoutes.js';
import { generateKey, presentedKey, sameKey, type HostKeys } from './http/keys.js';
import { createTimerRunner, type TimerRunner } from './timer/timerRunner.js';
import { parseTimerSchedule, resolveAppSetting } from './timer/timerSchedule.js';
import type { HostOptions, RunningHost } from './hostOptions.js';
import { checkSubscriptions } from './eventgrid/checkSubscriptions.js';

const topicPaths = { topic: '/runtime/local-eventgrid/topics/app/api/events', redis: '/runtime/local-eventgrid/topics/redis/api/events' };

function triggerKind(fn: RegisteredFunction): string {
  const type = triggerBinding(fn)?.[1].type ?? 'unknown';
  return type.replace(/Trigger$/i, '');
}

/**
 * Starts the local Functions host: loads the app, runs appStart hooks, listens, starts timers.
 * Once per process: `@azure/functions` caches the core API it first sees (use one process per app).
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const appDir = resolve(options.appDir);
  const logger = createHostLogger(options.log ?? ((line) => console.log(line)));
  for (const [name, value] of Object.entries(options.settings ?? {})) process.env[name] = value;

  const { api, registry } = createCoreApi((level, _category, message) => logger.host(level, message));
  installCoreApi(api);
  const hostJson = readHostJson(appDir);
  const files = resolveEntryFiles(appDir, options.entryFiles);
  logger.host('information', `Loading ${files.length} entry file(s) from ${appDir}`);
  loadEntryFiles(appDir, files);
  registry.locked = true;
  // As the real worker does after loading: this also locks `app.setup()`. HTTP streaming would need the
  // library's own proxy server wired to ours, which this host does not do, so it refuses clearly.
  const capabilities = await registry.programmingModel?.getCapabilities?.({});
  if (capabilities?.HttpUri) {
    throw new Error('app.setup({ enableHttpStream: true }) is not supported by the local host; remove it for local runs');
  }

  const keys: HostKeys = {
    functionKey: options.keys?.functionKey ?? generateKey(),
    masterKey: options.keys?.masterKey ?? generateKey(),
    eventGridKey: options.keys?.eventGridKey ?? generateKey(),
  };
  const invoker = createInvoker(registry, logger);
  const functions = registry.functions;
  const routes = buildHttpRoutes(functions.values());
  const prefix = hostJson.routePrefix;

  const summaries: FunctionSummary[] = [];
  const timers: { runner: TimerRunner; runOnStartup: boolean; name: string }[] = [];
  const timersByName = new Map<string, TimerRunner>();
  for (const fn of functions.values()) {
    const kind = triggerKind(fn);
    const summary: FunctionSummary = { name: fn.metadata.name, trigger: kind };
    const route = routes.find((r) => r.fn === fn);
    if (route) {
      summary.route = [prefix, route.template.template.replace(/^\/+/, '')].filter(Boolean).join('/');
      summary.methods = route.methods;
    }
    const trigger = triggerBinding(fn);
    if (kind.toLowerCase() === 'timer' && trigger) {
      try {
        const expression = resolveAppSetting(String(trigger[1].schedule ?? ''), process.env);
        summary.schedule = expression;
        const runner = createTimerRunner(fn, trigger[0], parseTimerSchedule(expression), invoker, logger);
        timers.push({ runner, runOnStartup: trigger[1].runOnStartup === true, name: fn.metadata.name });
        timersByName.set(fn.metadata.name.toLowerCase(), runner);
      } catch (err) {
        logger.host('error', `Timer '${fn.metadata.name}' is disabled: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    summaries.push(summary);
  }

  const subscriptionsFile =
    options.subscriptionsFile ?? (existsSync(join(appDir, 'infra/eventgrid-subscriptions.json')) ? join(appDir, 'infra/eventgrid-subscriptions.json') : undefined);
  const subscriptions = loadSubscriptions(subscriptionsFile);
  for (const warning of checkSubscriptions(subscriptions, functions)) logger.host('warning', warning);

  const webhookDeps = { functions, keys, invoker };
  const delivery = createEventDelivery(
    subscriptions,
    async (functionName, event, schema) => {
      const url = new URL(`http://localhost${eventGridWebhookPath}`);
      url.searchParams.set('functionName', functionName);
      url.searchParams.set('code', keys.eventGridKey);
      const body = Buffer.from(JSON.stringify(schema === 'CloudEvent' ? event : [event]));
      const contentType = schema === 'CloudEvent' ? 'application/cloudevents+json; charset=utf-8' : 'application/json';
      const res = await handleEventGridWebhook(
        { method: 'POST', url, headers: { 'content-type': contentType, 'aeg-event-type': 'Notification' }, body },
        webhookDeps,
      );
      return res.status;
    },
    {
      maxAttempts: options.delivery?.maxAttempts ?? 5,
      initialDelayMs: options.delivery?.initialDelayMs ?? 100,
      maxDelayMs: options.delivery?.maxDelayMs ?? 2000,
      deadLetterDir: options.delivery?.deadLetterDir ?? join(tmpdir(), 'local-functions-host', 'deadletter'),
    },
    logger,
  );
  const topicKey = options.topicKey ?? generateKey();
  const localTopics: LocalTopic[] = [
    { source: 'topic', path: topicPaths.topic, schema: 'CloudEvent', key: topicKey },
    { source: 'redis', path: topicPaths.redis, schema: 'EventGrid', key: topicKey },
  ];

  let state: 'Initialized' | 'Running' | 'Stopping' | 'Stopped' = 'Initialized';
  const runFunction = (fn: RegisteredFunction, input: string | undefined) => {
    const kind = triggerKind(fn).toLowerCase();
    const reason = 'This function was programmatically called via the host APIs.';
    const runner = timersByName.get(fn.metadata.name.toLowerCase());
    if (kind === 'timer' && runner) return runner.runNow(reason);
    if (kind === 'eventgrid') {
      const url = new URL(`http://localhost${eventGridWebhookPath}`);
      url.searchParams.set('functionName', fn.metadata.name);
      url.searchParams.set('code', keys.eventGridKey);
      const body = Buffer.from(input ?? '');
      return handleEventGridWebhook({ method: 'POST', url, headers: { 'aeg-event-type': 'Notification' }, body }, webhookDeps).then((res) => {
        if (res.status >= 300) logger.host('warning', `Admin run of '${fn.metadata.name}' answered ${res.status}`);
      });
    }
    return undefined;
  };

  /** Everything the headers decide, answered before a body is read (so an unauthenticated upload costs nothing). */
  function check(req: Omit<HostRequest, 'body'>): HostResponse | undefined {
    if (state !== 'Running') return problem(503, 'HostNotRunning', `the host is ${state.toLowerCase()}`);
    const path = req.url.pathname;
    const lower = path.toLowerCase();
    if (lower === '/admin' || lower.startsWith('/admin/')) {
      return lower.replace(/\/+$/, '') === '/admin/host/status' || sameKey(presentedKey(req), keys.masterKey)
        ? undefined
        : problem(401, 'Unauthorized', 'The admin API needs the master key (x-functions-key header or ?code=)');
    }
    if (lower === eventGridWebhookPath) return checkEventGridWebhookKey(req, keys);
    const topic = localTopics.find((t) => t.path === lower);
    if (topic) return req.method === 'POST' ? checkTopicKey(req, topic) : undefined;
    const prefixPath = prefix === '' ? '' : `/${prefix.toLowerCase()}`;
    if (prefix !== '' && lower !== prefixPath && !lower.startsWith(`${prefixPath}/`)) return undefined;
    const match = matchHttpTrigger(routes, req, path.slice(prefixPath.length), keys);
    return 'refused' in match ? match.refused : undefined;
  }

  async function handle(req: HostRequest): Promise<HostResponse> {
    if (state !== 'Running') return problem(503, 'HostNotRunning', `the host is ${state.toLowerCase()}`);
    const path = req.url.pathname;
    const lower = path.toLowerCase();
    if (lower === '/admin' || lower.startsWith('/admin/')) {
      return handleAdmin(req, { keys, functions, summaries, runFunction, state: () => state });
    }
    if (lower === eventGridWebhookPath) return handleEventGridWebhook(req, webhookDeps);
    const topic = localTopics.find((t) => t.path === lower);
    if (topic) return handleTopicPublish(req, topic, delivery);
    if (prefix === '') return handleHttpTrigger(routes, req, path, keys, invoker);
    const prefixPath = `/${prefix.toLowerCase()}`;
    if (lower === prefixPath || lower.startsWith(`${prefixPath}/`)) {
      return handleHttpTrigger(routes, req, path.slice(prefixPath.length), keys, invoker);
    }
    if (path === '/' && req.method === 'GET') {
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Your Functions 4.0 app is up and running (local host)\n' };
    }
    return problem(404, 'NotFound', `No route for ${req.method} ${path}`);
  }

  // A stray promise rejection or throw in a callback of some function must not take the whole host down.
  const onStray = (err: unknown) =>
    logger.host('error', `Unhandled error outside any invocation: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);

  await invoker.runAppHooks('appStart', appDir);
  const server = createHostServer(handle, logger, check);
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  state = 'Running';
  for (const s of summaries) {
    const where = s.route ? `[${(s.methods ?? ['*']).join(',')}] ${url}/${s.route}` : s.schedule ? `schedule ${s.schedule}` : '';
    logger.host('information', `Function ${s.name}: ${s.trigger}Trigger ${where}`.trimEnd());
  }
  logger.host('information', `Host started on ${url} (${functions.size} function(s), ${subscriptions.length} subscription(s))`);

  for (const timer of timers) {
    timer.runner.start();
    if (timer.runOnStartup) void timer.runner.runNow(`Timer fired at ${new Date().toISOString()} (runOnStartup)`);
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      state = 'Stopping';
      logger.host('information', 'Stopping: timers off, no new requests, draining in-flight invocations');
      for (const timer of timers) timer.runner.stop();
      delivery.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const drainMs = options.drainTimeoutMs ?? 10_000;
      let drainTimer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        invoker.idle().then(() => true),
        new Promise<boolean>((r) => (drainTimer = setTimeout(() => r(false), drainMs))),
      ]);
      clearTimeout(drainTimer);
      if (!drained) logger.host('warning', `${invoker.inFlight()} invocation(s) still running after ${drainMs}ms; stopping anyway`);
      try {
        await invoker.runAppHooks('appTerminate', appDir);
      } catch (err) {
        logger.host('error', `An appTerminate hook failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      server.closeAllConnections();
      await closed;
      process.off('unhandledRejection', onStray);
      process.off('uncaughtException', onStray);
      state = 'Stopped';
      logger.host('information', 'Host stopped');
    })();
    return stopping;
  };

  return {
    url,
    keys: { functionKey: keys.functionKey, masterKey: keys.masterKey, eventGridKey: keys.eventGridKey },
    topic: { endpoint: `${url}${topicPaths.topic}`, key: topicKey },
    redisTopic: { endpoint: `${url}${topicPaths.redis}`, key: topicKey },
    functions: summaries,
    deadLetters: () => delivery.deadLetters(),
    deliveriesIdle: () => delivery.idle(),
    stop,
  };
}
