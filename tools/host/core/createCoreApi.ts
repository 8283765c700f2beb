import { randomUUID } from 'node:crypto';
import type {
  CoreApi,
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './coreTypes.js';

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

/** What the host keeps from everything the app registered while it loaded. */
export interface Registry {
  functions: Map<string, RegisteredFunction>;
  hooks: Record<HookName, HookCallback[]>;
  programmingModel?: ProgrammingModel;
  /** After the app has loaded, registering functions is an error (as in the real worker). */
  locked: boolean;
}

const hookNames: readonly HookName[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log'];

class CoreDisposable implements Disposable {
  #callOnDispose?: () => void;
  constructor(callOnDispose: () => void) {
    this.#callOnDispose = callOnDispose;
  }
  dispose(): void {
    this.#callOnDispose?.();
    this.#callOnDispose = undefined;
  }
}

/** Builds the in-process `@azure/functions-core` module and the registry it fills. */
export function createCoreApi(systemLog: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void): {
  api: CoreApi;
  registry: Registry;
} {
  const registry: Registry = {
    functions: new Map(),
    hooks: { appStart: [], appTerminate: [], preInvocation: [], postInvocation: [], log: [] },
    locked: false,
  };

  const api: CoreApi = {
    version: '3.10.1',
    hostVersion: '4.1037.0',
    Disposable: CoreDisposable,
    registerFunction(metadata, callback) {
      if (registry.locked) {
        throw new Error('A function can only be registered during app startup.');
      }
      const key = metadata.name.toLowerCase();
      if (registry.functions.has(key)) {
        throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
      }
      metadata.functionId ??= randomUUID();
      registry.functions.set(key, { metadata, callback });
      return new CoreDisposable(() => registry.functions.delete(key));
    },
    registerHook(name, callback) {
      if (!(hookNames as readonly string[]).includes(name)) {
        throw new RangeError(`Unrecognized hook "${name}"`);
      }
      const list = registry.hooks[name as HookName];
      list.push(callback);
      return new CoreDisposable(() => {
        const index = list.indexOf(callback);
        if (index >= 0) list.splice(index, 1);
      });
    },
    setProgrammingModel(model) {
      registry.programmingModel = model;
    },
    getProgrammingModel() {
      if (!registry.programmingModel) {
        throw new Error('No programming model has been set; did the app register any function?');
      }
      return registry.programmingModel;
    },
    log: systemLog,
  };
  return { api, registry };
}
