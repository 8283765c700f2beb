import { noticeSeverities } from '../../platform/events/schemas/notificationEvents';
import type { ChannelResource } from './ChannelRegistry';
import type { Notice } from './notices';

const rank = (s: Notice['severity']) => noticeSeverities.indexOf(s);

const clusterMatches = (pattern: string, clusterId: string) => (pattern === '*' ? true : pattern.endsWith('*') ? clusterId.startsWith(pattern.slice(0, -1)) : pattern === clusterId);

/** Whether a channel's routes let the notice through: enabled, and some route matches its cluster, severity and family. */
export function routeMatches(channel: ChannelResource, notice: Pick<Notice, 'clusterId' | 'severity' | 'family'>): boolean {
  if (!channel.enabled) return false;
  return channel.routes.some(
    (route) =>
      route.clusters.some((p) => clusterMatches(p, notice.clusterId)) &&
      rank(notice.severity) >= rank(route.minSeverity) &&
      (route.families === undefined || route.families.includes(notice.family)),
  );
}
