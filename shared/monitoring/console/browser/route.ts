/**
 * The console's URLs: one per view, in the hash (`#/clusters/alpha/jobs`) so the one page the function serves
 * answers every deep link, reload keeps the place and the back button walks the views. Pure, unit-tested.
 */

/** Sections of the cluster view, in the order of its tabs. */
export const sections = ['overview', 'health', 'topology', 'namespaces', 'jobs', 'analysis', 'alerts', 'streams', 'audit'] as const;
export type Section = (typeof sections)[number];

export type Route = { view: 'fleet'; sort?: string } | { view: 'cluster'; clusterId: string; section: Section } | { view: 'channels'; channel?: string };

const idPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `#/`, `#/?sort=-memory`, `#/clusters/{id}`, `#/clusters/{id}/{section}`, `#/channels`, `#/channels/{name}` (its dead letters); anything else is the fleet. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'clusters' && parts[1] !== undefined && idPattern.test(parts[1])) {
    const section = (sections as readonly string[]).includes(parts[2] ?? '') ? (parts[2] as Section) : 'overview';
    return { view: 'cluster', clusterId: parts[1], section };
  }
  if (parts[0] === 'channels') return parts[1] !== undefined && idPattern.test(parts[1]) ? { view: 'channels', channel: parts[1] } : { view: 'channels' };
  const sort = new URLSearchParams(query).get('sort');
  return sort ? { view: 'fleet', sort } : { view: 'fleet' };
}

/** The hash of a route (the inverse of `parseRoute`). */
export function formatRoute(route: Route): string {
  if (route.view === 'channels') return route.channel ? `#/channels/${route.channel}` : '#/channels';
  if (route.view === 'cluster') return `#/clusters/${route.clusterId}${route.section === 'overview' ? '' : `/${route.section}`}`;
  return route.sort ? `#/?sort=${encodeURIComponent(route.sort)}` : '#/';
}
