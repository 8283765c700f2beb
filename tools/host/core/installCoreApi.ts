import Module from 'node:module';
import type { CoreApi } from './coreTypes.js';

const coreModuleName = '@azure/functions-core';
let installed = false;

interface ModuleInternals {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
}

/**
 * Serves `require('@azure/functions-core')` from this process, as the real Node worker does.
 * `@azure/functions` caches the module on first use, so this can happen once per process.
 */
export function installCoreApi(api: CoreApi): void {
  if (installed) {
    throw new Error(
      'The local Functions host can start once per process: @azure/functions caches the core API it first sees.',
    );
  }
  installed = true;
  const internals = Module as unknown as ModuleInternals;
  const originalLoad = internals._load;
  internals._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
    if (request === coreModuleName) return api;
    return originalLoad.call(this, request, parent, isMain);
  };
}
