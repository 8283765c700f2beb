import { coldStart } from './coldStart';
import { monitor } from './monitor';
import { invalidateCluster, invalidateLatencyGuard, invalidateStandalone } from './invalidate';

/** Every benchmark scenario by name; `npm run bench -- <name>` runs one. */
export const scenarios: Record<string, () => Promise<void>> = {
  coldStart,
  monitor,
  invalidateStandalone, invalidateLatencyGuard, invalidateCluster,
  invalidateTypeCheck: async () => (await import('./invalidateTypeCheck.js')).invalidateTypeCheck(),
  analysis: async () => (await import('./analysis.js')).analysis(),
  warm: async () => (await import('./warm.js')).warm(),
  reshard: async () => (await import('./reshard.js')).reshard(),
  fixBattery: async () => (await import('./fixBattery.js')).fixBattery(),
  hotkeys: async () => (await import('./hotkeys.js')).hotkeys(),
  invalidateUserPath: async () => (await import('./invalidateUserPath.js')).invalidateUserPath(),
  warmUserPath: async () => (await import('./warmUserPath.js')).warmUserPath(),
  warmServerCost: async () => (await import('./warmServerCost.js')).warmServerCost(),
  analysisUserPath: async () => (await import('./analysisUserPath.js')).analysisUserPath(),
};
