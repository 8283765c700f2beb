import { randomUUID } from 'node:crypto';
import type { RegisteredFunction, Registry } from './createCoreApi.js';
import type {
  CoreInvocationContext,
  FunctionCallback,
  HookName,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
} from './coreTypes.js';
import type { HostLogger } from './hostLogger.js';

export interface InvocationInput {
  inputData: RpcInvocationRequest['inputData'];
  triggerMetadata: RpcInvocationRequest['triggerMetadata'];
  retryContext?: RpcInvocationRequest['retryContext'];
  /** The trace context the host passes to the worker (`InvocationContext.traceContext`). */
  traceContext?: RpcInvocationRequest['traceContext'];
  /** Why it runs, for the "Executing" log line (e.g. 'This function was programmatically called via the host APIs.'). */
  reason: string;
}

export type InvocationOutcome =
  | { ok: true; invocationId: string; response: RpcInvocationResponse }
  | { ok: false; invocationId: string; error: Error };

export interface Invoker {
  invoke(fn: RegisteredFunction, input: InvocationInput): Promise<InvocationOutcome>;
  runAppHooks(name: 'appStart' | 'appTerminate', functionAppDirectory: string): Promise<void>;
  /** Resolves when every in-flight invocation has finished. */
  idle(): Promise<void>;
  inFlight(): number;
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Runs invocations through the library's own programming model, in the order the real Node worker does:
 * getArguments → preInvocation hooks → invokeFunction → postInvocation hooks → getResponse.
 */
export function createInvoker(registry: Registry, logger: HostLogger): Invoker {
  const appHookData: Record<string, unknown> = {};
  const appLevelOnlyHookData: Record<string, unknown> = {};
  const running = new Set<Promise<unknown>>();

  async function runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...registry.hooks[name]]) {
      await hook(context);
    }
  }

  function logFrom(fnName: string, invocationId: string) {
    return (level: RpcLogLevel, category: RpcLogCategory, message: string): void => {
      let entry = { level, message };
      const hooks = registry.hooks.log;
      if (hooks.length > 0 && category === 'user') {
        const hookContext = { hookData: {}, appHookData, level, message, category, invocationContext: undefined };
        try {
          for (const hook of hooks) hook(hookContext);
          entry = { level: hookContext.level, message: hookContext.message };
        } catch (err) {
          logger.host('error', `A log hook failed: ${toError(err).message}`);
        }
      }
      logger.fn(entry.level, fnName, invocationId, entry.message);
    };
  }

  async function run(fn: RegisteredFunction, input: InvocationInput, invocationId: string): Promise<InvocationOutcome> {
    const name = fn.metadata.name;
    const started = Date.now();
    logger.fn('information', name, invocationId, `Executing (Reason='${input.reason}')`);
    try {
      const model = registry.programmingModel;
      if (!model) throw new Error('The app did not set a programming model.');
      const request: RpcInvocationRequest = {
        invocationId,
        functionId: fn.metadata.functionId ?? name,
        inputData: input.inputData,
        triggerMetadata: input.triggerMetadata,
        retryContext: input.retryContext,
        ...(input.traceContext ? { traceContext: input.traceContext } : {}),
      };
      const coreCtx: CoreInvocationContext = {
        invocationId,
        request,
        metadata: fn.metadata,
        log: logFrom(name, invocationId),
      };
      const invocationModel = model.getInvocationModel(coreCtx);
      const { context, inputs } = await invocationModel.getArguments();

      const hookData: Record<string, unknown> = {};
      const preContext = { hookData, appHookData, invocationContext: context, inputs, functionCallback: fn.callback };
      coreCtx.state = 'preInvocationHooks';
      try {
        await runHooks('preInvocation', preContext);
      } finally {
        coreCtx.state = undefined;
      }

      const postContext: Record<string, unknown> = {
        hookData,
        appHookData,
        invocationContext: context,
        inputs: preContext.inputs,
        result: null,
        error: null,
      };
      coreCtx.state = 'invocation';
      try {
        postContext.result = await invocationModel.invokeFunction(
          context,
          preContext.inputs,
          preContext.functionCallback as FunctionCallback,
        );
      } catch (err) {
        postContext.error = err;
      } finally {
        coreCtx.state = undefined;
      }
      coreCtx.state = 'postInvocationHooks';
      try {
        await runHooks('postInvocation', postContext);
      } finally {
        coreCtx.state = undefined;
      }
      if (postContext.error !== null && postContext.error !== undefined) throw postContext.error;
      const response = await invocationModel.getResponse(context, postContext.result);
      logger.fn('information', name, invocationId, `Executed (Succeeded, Duration=${Date.now() - started}ms)`);
      return { ok: true, invocationId, response };
    } catch (err) {
      const error = toError(err);
      logger.fn('error', name, invocationId, `Executed (Failed, Duration=${Date.now() - started}ms): ${error.stack ?? error.message}`);
      return { ok: false, invocationId, error };
    }
  }

  return {
    invoke(fn, input) {
      const promise = run(fn, input, randomUUID());
      running.add(promise);
      void promise.finally(() => running.delete(promise));
      return promise;
    },
    async runAppHooks(name, functionAppDirectory) {
      const context =
        name === 'appStart'
          ? { hookData: appLevelOnlyHookData, appHookData, functionAppDirectory }
          : { hookData: appLevelOnlyHookData, appHookData };
      await runHooks(name, context);
    },
    async idle() {
      while (running.size > 0) {
        await Promise.allSettled([...running]);
      }
    },
    inFlight: () => running.size,
  };
}
