/**
 * The project's local Azure Functions host (Core Tools cannot be installed here). It serves
 * `@azure/functions-core` in-process and runs the app through the library's own programming model.
 * See docs/local-host.md for what matches the real host and what differs.
 */
export { startHost } from './startHost.js';
export type { DeadLetter, DeliveryOptions } from './eventgrid/eventDelivery.js';
export { parseNcrontab, nextOccurrence } from '../../shared/platform/schedule/ncrontab.js';

export type { HostOptions, HostedFunction, RunningHost } from './hostOptions.js';
