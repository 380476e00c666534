// Valid sample objects for store and API tests.
import {
  API_VERSION,
  type ResourceInput,
  type SiteSpec,
  type SiteStatus,
  type WorkloadSpec,
  type WorkloadStatus,
} from '../../model/index.js';

export function site(
  name: string,
  extra: { labels?: Record<string, string>; country?: string; provider?: string } = {},
): ResourceInput<SiteSpec, SiteStatus> & { spec: SiteSpec } {
  return {
    apiVersion: API_VERSION,
    kind: 'Site',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      provider: extra.provider ?? 'acme',
      category: 'metro-edge',
      location: { country: extra.country ?? 'ES', city: 'Madrid', latitude: 40.4168, longitude: -3.7038 },
      capacity: { cpu: 64, memory: '256Gi' },
    },
  };
}

export function workload(
  namespace: string,
  name: string,
  extra: { labels?: Record<string, string>; siteName?: string } = {},
): ResourceInput<WorkloadSpec, WorkloadStatus> & { spec: WorkloadSpec } {
  return {
    apiVersion: API_VERSION,
    kind: 'Workload',
    metadata: { name, namespace, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      component: 'web',
      artifact: { command: 'node', args: ['server.mjs'] },
      ...(extra.siteName ? { siteName: extra.siteName } : {}),
    },
  };
}
