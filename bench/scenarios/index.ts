import { coldStart } from './coldStart';

/** Every benchmark scenario by name; `npm run bench -- <name>` runs one. */
export const scenarios: Record<string, () => Promise<void>> = {
  coldStart,
};
