// Kubernetes-shaped discovery documents (/api, /apis, /apis/<group>, /apis/<group>/<version>) and /version.
import { allKinds, ApiError, type KindDef } from '../../model/index.js';

/** Every verb the native handler serves on a top-level resource. */
export const RESOURCE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** Categories kubectl expands (`kubectl get all`, `kubectl get continuum`). */
const CATEGORIES = ['all', 'continuum'];

const groups = (): Map<string, string[]> => {
  const m = new Map<string, string[]>();
  for (const k of allKinds()) {
    const vs = m.get(k.group) ?? [];
    if (!vs.includes(k.version)) vs.push(k.version);
    m.set(k.group, vs);
  }
  return m;
};

const groupDoc = (name: string, versions: string[]) => {
  const gv = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gv, preferredVersion: gv[0] };
};

/** /api: the legacy core group; Continuum serves no core (v1) resources. */
export const apiVersions = () => ({
  kind: 'APIVersions',
  apiVersion: 'v1',
  versions: [] as string[],
  serverAddressByClientCIDRs: [] as unknown[],
});

/** /apis: an APIGroupList with GroupVersionForDiscovery objects and the preferred version. */
export const apiGroupList = () => ({
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [...groups()].map(([g, vs]) => groupDoc(g, vs)),
});

const notFound = (path: string): ApiError =>
  new ApiError('NotFound', `the server could not find the requested resource ${path}`, [
    { field: 'path', message: 'unknown API group or version' },
  ]);

/** /apis/<group>: one APIGroup. */
export function apiGroup(group: string): unknown {
  const vs = groups().get(group);
  if (!vs) throw notFound(`/apis/${group}`);
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, vs) };
}

const resourceOf = (k: KindDef) => ({
  name: k.plural,
  singularName: k.singular,
  namespaced: k.namespaced,
  kind: k.kind,
  verbs: RESOURCE_VERBS,
  shortNames: k.shortNames,
  categories: CATEGORIES,
});

const subresources = (k: KindDef) => [
  {
    name: `${k.plural}/status`,
    singularName: '',
    namespaced: k.namespaced,
    kind: k.kind,
    verbs: ['get', 'patch', 'update'],
  },
  ...(k.kind === 'Workload'
    ? [{ name: `${k.plural}/logs`, singularName: '', namespaced: true, kind: k.kind, verbs: ['get'] }]
    : []),
];

/** /apis/<group>/<version>: an APIResourceList with verbs, short names and categories. */
export function apiResourceList(group: string, version: string): unknown {
  const kinds = allKinds().filter((k) => k.group === group && k.version === version);
  if (!kinds.length) throw notFound(`/apis/${group}/${version}`);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${group}/${version}`,
    resources: kinds.flatMap((k) => [resourceOf(k), ...subresources(k)]),
  };
}

/** The document for /apis[/<group>[/<version>]] given the segments after /apis. */
export function discoveryDoc(segs: string[]): unknown {
  if (segs.length === 0) return apiGroupList();
  if (segs.length === 1) return apiGroup(segs[0]);
  return apiResourceList(segs[0], segs[1]);
}

/** /version in Kubernetes' version.Info shape, with Continuum's own fields beside it. */
export function versionInfo(version: string, extra: Record<string, unknown>): Record<string, unknown> {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return {
    major: m?.[1] ?? '0',
    minor: m?.[2] ?? '0',
    gitVersion: version.startsWith('v') ? version : `v${version}`,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: '',
    compiler: 'node',
    platform: `${process.platform}/${process.arch}`,
    ...extra,
  };
}
