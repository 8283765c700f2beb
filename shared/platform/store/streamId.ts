import { z } from 'zod';

/**
 * Streams: one per cluster (`cluster-<id>`), one for manager-wide settings (`global`) and one for the notification
 * channels (`notifications`: their own projection, so its head snapshot is never shared with other settings).
 */
export const streamIdSchema = z.string().regex(/^(cluster-[a-z0-9][a-z0-9-]{0,62}|global|notifications)$/, "must be 'cluster-<id>', 'global' or 'notifications'");

export const globalStreamId = 'global';

export const notificationsStreamId = 'notifications';

export function clusterStreamId(clusterId: string): string {
  return `cluster-${clusterId}`;
}

/** Row keys sort as strings, so versions are zero-padded to keep them in numeric order. */
export function versionKey(version: number): string {
  return version.toString().padStart(10, '0');
}

export const eventRowKey = (version: number) => `e-${versionKey(version)}`;
export const outboxRowKey = (version: number) => `o-${versionKey(version)}`;
export const headRowKey = 'head';
