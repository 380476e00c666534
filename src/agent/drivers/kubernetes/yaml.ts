// Serialises rendered objects as one multi-document YAML stream (what `kubectl apply -f` and `podman kube play` read).
import { dumpYaml } from '@kubernetes/client-node';
import type { KubeObject } from './render.js';

/** The objects as YAML documents separated by `---`. */
export const toYaml = (objs: readonly KubeObject[]): string => objs.map((o) => dumpYaml(o)).join('---\n');
