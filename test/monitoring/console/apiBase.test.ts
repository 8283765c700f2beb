import { describe, expect, it } from 'vitest';
import { apiBase } from '../../../shared/monitoring/console/browser/apiBase';

describe('console API base (from the page path)', () => {
  it('is the parent of /dashboard: /api on the Function App, the console API path through API Management', () => {
    expect(apiBase('/api/dashboard')).toBe('/api');
    expect(apiBase('/console/dashboard')).toBe('/console');
    expect(apiBase('/console/dashboard/')).toBe('/console');
    expect(apiBase('/gw/rcm/console/dashboard')).toBe('/gw/rcm/console');
  });

  it('only a trailing /dashboard segment is cut (never one inside the path)', () => {
    expect(apiBase('/dashboard/api/dashboard')).toBe('/dashboard/api');
    expect(apiBase('/api/dashboards')).toBe('/api/dashboards');
  });
});
