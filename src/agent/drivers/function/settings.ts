// What a function RunSpec asks for, checked: the module and export, scaling settings, and tenant-scoped triggers.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ApiError } from '../../../model/errors.js';
import type { RunSpec } from '../driver.js';

/** The port name of an instance's own listener (the front forwards there); reserved in function specs. */
export const INVOKE_PORT = 'continuum-fn';

export interface FunctionPlan {
  modulePath: string;
  exportName: string;
  idleMs: number;
  concurrency: number;
  maxInstances: number;
  /** Broker topics / subjects already prefixed with the tenant's namespace. */
  mqttTopics: string[];
  natsSubjects: string[];
}

export const DEFAULTS = { idleSeconds: 60, concurrency: 8, maxInstances: 4 };

/** `<namespace>/<name>` → namespace. */
export const namespaceOf = (id: string): string => id.split('/')[0] ?? 'default';

/** MQTT: the tenant's topics live under `continuum/<namespace>/`; wildcards only as whole levels. */
export function scopedTopic(namespace: string, topic: string): string {
  const levels = topic.split('/');
  levels.forEach((l, i) => {
    if ((l.includes('#') && (l !== '#' || i !== levels.length - 1)) || (l.includes('+') && l !== '+'))
      throw new ApiError('Invalid', `MQTT topic ${topic}: wildcards must be whole levels ('#' only last)`);
  });
  if (topic.startsWith('$') || topic.includes('\0')) throw new ApiError('Invalid', `MQTT topic ${topic} not allowed`);
  return `continuum/${namespace}/${topic}`;
}

/** NATS: the tenant's subjects live under `continuum.<namespace>.`; tokens non-empty, wildcards whole tokens. */
export function scopedSubject(namespace: string, subject: string): string {
  const tokens = subject.split('.');
  tokens.forEach((t, i) => {
    if (!t || /\s/.test(t)) throw new ApiError('Invalid', `NATS subject ${subject}: empty token or whitespace`);
    if ((t.includes('>') && (t !== '>' || i !== tokens.length - 1)) || (t.includes('*') && t !== '*'))
      throw new ApiError('Invalid', `NATS subject ${subject}: wildcards must be whole tokens ('>' only last)`);
  });
  return `continuum.${namespace}.${subject}`;
}

/** Checks a function spec; throws ApiError Invalid with what is wrong. */
export function planFunction(spec: RunSpec): FunctionPlan {
  const handler = spec.artifact.handler;
  if (!handler) throw new ApiError('Invalid', `workload ${spec.id}: a function needs artifact.handler (module#export)`);
  const hash = handler.lastIndexOf('#');
  const file = hash < 0 ? handler : handler.slice(0, hash);
  const exportName = hash < 0 ? 'default' : handler.slice(hash + 1);
  if (!/^[A-Za-z_$][\w$]*$/.test(exportName))
    throw new ApiError('Invalid', `workload ${spec.id}: handler export ${exportName} is not an identifier`);
  if (!isAbsolute(file) && !spec.artifactBaseDir)
    throw new ApiError('Invalid', `workload ${spec.id}: relative handler module ${file} needs an artifact base dir`);
  const modulePath = resolve(spec.artifactBaseDir ?? '/', file);
  if (!existsSync(modulePath) || !statSync(modulePath).isFile())
    throw new ApiError('Invalid', `workload ${spec.id}: handler module ${modulePath} not found`);
  if (spec.ports.some((p) => p.name === INVOKE_PORT))
    throw new ApiError('Invalid', `workload ${spec.id}: port name ${INVOKE_PORT} is reserved by the function runtime`);
  const fn = spec.artifact.function ?? {};
  const ns = namespaceOf(spec.id);
  return {
    modulePath,
    exportName,
    idleMs: (fn.idleSeconds ?? DEFAULTS.idleSeconds) * 1000,
    concurrency: fn.concurrency ?? DEFAULTS.concurrency,
    maxInstances: fn.maxInstances ?? DEFAULTS.maxInstances,
    mqttTopics: (fn.triggers ?? []).flatMap((t) => (t.mqtt ? [scopedTopic(ns, t.mqtt.topic)] : [])),
    natsSubjects: (fn.triggers ?? []).flatMap((t) => (t.nats ? [scopedSubject(ns, t.nats.subject)] : [])),
  };
}
