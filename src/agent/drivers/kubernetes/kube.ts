// The Kubernetes API as the driver uses it (@kubernetes/client-node): server-side apply, get, list, watch, delete.
import { PassThrough } from 'node:stream';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  Log,
  PatchStrategy,
  VersionApi,
  Watch,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { ApiError } from '../../../model/index.js';
import { FIELD_MANAGER } from './names.js';
import type { KubeObject } from './render.js';

/** Where the cluster is: kubeconfig content (YAML) or a file path; content wins. */
export interface KubeconfigSource {
  kubeconfig?: string;
  kubeconfigPath?: string;
}

/** Loads a kubeconfig; throws ApiError BadRequest when none is given or it names no cluster. */
export function loadKubeConfig(src: KubeconfigSource): KubeConfig {
  const kc = new KubeConfig();
  if (src.kubeconfig) kc.loadFromString(src.kubeconfig);
  else if (src.kubeconfigPath) kc.loadFromFile(src.kubeconfigPath);
  else throw new ApiError('BadRequest', 'no kubeconfig: give the kubernetes driver kubeconfig or kubeconfigPath');
  if (!kc.getCurrentCluster()) throw new ApiError('BadRequest', 'the kubeconfig has no current cluster');
  return kc;
}

/** HTTP status of a client-node failure (0 when there was no answer). */
export const statusOf = (e: unknown): number =>
  typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : 0;

/** A watch event as the driver consumes it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

/** The subset of the API the driver uses, on one kubeconfig. */
export class Kube {
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly server: string;

  constructor(readonly kc: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(CoreV1Api);
    this.server = kc.getCurrentCluster()?.server ?? '';
  }

  /** Server-side apply of one object (force: this driver owns the fields it renders). */
  async apply(obj: KubeObject): Promise<KubeObject> {
    return (await this.objects.patch(
      obj as KubernetesObject,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    )) as KubeObject;
  }

  /** The object, or undefined when it does not exist. */
  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    try {
      return (await this.objects.read({
        apiVersion,
        kind,
        metadata: { name, ...(namespace ? { namespace } : {}) },
      })) as KubeObject;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  /** Objects of a kind across all namespaces (or one), filtered by label selector; with the list's resourceVersion. */
  async list(
    apiVersion: string,
    kind: string,
    labelSelector: string,
    namespace?: string,
  ): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const l = await this.objects.list(
      apiVersion,
      kind,
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      labelSelector,
    );
    return { items: l.items as KubeObject[], resourceVersion: l.metadata?.resourceVersion ?? '' };
  }

  /** Deletes an object; false when it was already gone. */
  async delete(obj: KubeObject, graceSeconds?: number): Promise<boolean> {
    try {
      await this.objects.delete(obj as KubernetesObject, undefined, undefined, graceSeconds, undefined, 'Background');
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }

  /**
   * Watches `path` (a collection URL such as /apis/apps/v1/deployments) from `resourceVersion`. `done` is called
   * once when the watch ends (server close, error, or abort); the returned controller aborts it.
   */
  watch(
    path: string,
    query: { labelSelector: string; resourceVersion: string },
    onEvent: (e: WatchEvent) => void,
    done: (err?: unknown) => void,
  ): Promise<AbortController> {
    return new Watch(this.kc).watch(
      path,
      { ...query, allowWatchBookmarks: true },
      (type, object) => onEvent({ type: type as WatchEvent['type'], object: object as KubeObject }),
      (err: unknown) => done(err ?? undefined),
    );
  }

  /** Log lines of one container; follow keeps streaming until `signal` aborts or the server ends the stream. */
  async *logs(
    namespace: string,
    pod: string,
    container: string,
    o: { follow?: boolean; tail?: number; previous?: boolean; signal?: AbortSignal },
  ): AsyncGenerator<string> {
    const stream = new PassThrough();
    const ctl = await new Log(this.kc).log(namespace, pod, container, stream, {
      follow: !!o.follow,
      ...(o.tail !== undefined ? { tailLines: o.tail } : {}),
      ...(o.previous ? { previous: true } : {}),
    });
    const abort = (): void => {
      ctl.abort();
      stream.end();
    };
    o.signal?.addEventListener('abort', abort, { once: true });
    let rest = '';
    try {
      for await (const chunk of stream) {
        const text = rest + String(chunk);
        const lines = text.split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) yield l;
      }
      if (rest) yield rest;
    } finally {
      o.signal?.removeEventListener('abort', abort);
      ctl.abort();
    }
  }

  /** The server's version string (`gitVersion`), e.g. for detection. */
  async version(): Promise<string> {
    const v = await this.kc.makeApiClient(VersionApi).getCode();
    return v.gitVersion;
  }
}
