// Admission of what components run: each runtime a component allows needs a RuntimePolicy of its namespace
// allowing that runtime (and matching its command/image patterns), or the artifact must be an ApprovedArtifact.
import { posix } from 'node:path';
import {
  ApiError,
  ApplicationKind,
  ApprovedArtifactKind,
  allowedRuntimes,
  RuntimePolicyKind,
  type AnyResource,
  type ApplicationSpec,
  type ApprovedArtifactSpec,
  type Artifact,
  type Component,
  type DeploymentSpec,
  type EnvVar,
  type FieldError,
  type RuntimeKind,
  type RuntimePolicySpec,
} from '../../model/index.js';
import type { Admission, Store } from '../../store/index.js';
import { jsonEqual } from '../../store/index.js';

/** `*` any run of characters (slashes too), `?` one character; everything else literal. */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${re}$`, 's').test(value);
}

const IMAGE_RUNTIMES: readonly RuntimeKind[] = ['container', 'kubernetes'];

/** Whether `policy` lets `runtime` run `artifact`. */
export function policyAllows(policy: RuntimePolicySpec, runtime: RuntimeKind, artifact: Artifact): boolean {
  if (!policy.runtimes.includes(runtime)) return false;
  if (IMAGE_RUNTIMES.includes(runtime))
    return !policy.images || (artifact.image !== undefined && policy.images.some((p) => globMatch(p, artifact.image!)));
  // The function runtime ignores `command` and runs the handler's module: that is what the patterns must match.
  const given = runtime === 'function' ? artifact.handler : artifact.command;
  // Matched as the path it resolves to: `/opt/tools/../../tmp/x` must not pass as `/opt/tools/*`.
  const runs = given?.includes('/') ? posix.normalize(given) : given;
  return !policy.commands || (runs !== undefined && policy.commands.some((p) => globMatch(p, runs)));
}

/** Whether catalogue entry `a` approves `artifact` on `runtime`. */
export function approves(a: ApprovedArtifactSpec, runtime: RuntimeKind, artifact: Artifact): boolean {
  // An image runs the command and args the entry names (absent: the image's own), not ones the tenant picks.
  if (IMAGE_RUNTIMES.includes(runtime))
    return (
      a.image !== undefined &&
      a.image === artifact.image &&
      a.command === artifact.command &&
      jsonEqual(a.args ?? null, artifact.args ?? null)
    );
  // A function runs its handler's module, which no entry pins: the catalogue never approves the function runtime.
  if (runtime === 'function') return false;
  return (
    a.command !== undefined &&
    a.sha256 !== undefined &&
    a.command === artifact.command &&
    a.sha256 === artifact.sha256 &&
    a.programFile === artifact.programFile &&
    (a.args === undefined || jsonEqual(a.args, artifact.args ?? []))
  );
}

/**
 * Environment names that make a program run other code than the approved one (loader, interpreter and shell
 * hooks). A component admitted only through the catalogue may not set them; the list is not exhaustive, which
 * is why a catalogue entry for an interpreter should pin its args and the admin should know the program.
 */
export const HOOK_ENV = /^(LD_|DYLD_|GCONV_PATH$|NODE_OPTIONS$|NODE_PATH$|PYTHON|PERL5|PERLLIB$|RUBY|BASH_ENV$|ENV$)/;
const JAVA_HOOK = /^(JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS)$/;
/** PATH picks what an approved script runs; OpenSSL/glibc/bash/node hooks load code or take over a shell. */
const OTHER_HOOK =
  /^(PATH|OPENSSL_CONF|OPENSSL_ENGINES|GLIBC_TUNABLES|SHELLOPTS|BASHOPTS|PS4|NODE_REPL_EXTERNAL_MODULE)$/;
const isHookEnv = (name: string): boolean => HOOK_ENV.test(name) || JAVA_HOOK.test(name) || OTHER_HOOK.test(name);

export interface RuntimeRules {
  namespace: string;
  policies: RuntimePolicySpec[];
  catalogue: ApprovedArtifactSpec[];
}

/** The namespace's policies and the catalogue, read once per admission. */
export async function runtimeRules(store: Store, namespace: string): Promise<RuntimeRules> {
  const [policies, catalogue] = await Promise.all([
    store.list(RuntimePolicyKind, { namespace }),
    store.list(ApprovedArtifactKind),
  ]);
  return {
    namespace,
    policies: policies.items.map((p) => p.spec),
    catalogue: catalogue.items.map((a) => a.spec),
  };
}

function hookEnvProblems(env: readonly EnvVar[] | undefined, path: string, out: FieldError[]): void {
  for (const [i, e] of (env ?? []).entries())
    if (isHookEnv(e.name))
      out.push({
        field: `${path}[${i}].name`,
        message: `${e.name} could make an approved artifact run other code: needs a RuntimePolicy for the namespace`,
      });
}

/**
 * Problems of one component against the rules. `extraEnv` (a Deployment's override) is held to the same rules
 * as the component's own env.
 */
export function componentRuntimeProblems(
  c: Pick<Component, 'runtime' | 'runtimes' | 'artifact' | 'env' | 'healthCheck'>,
  at: string,
  rules: RuntimeRules,
  extraEnv?: { env: readonly EnvVar[] | undefined; path: string },
): FieldError[] {
  const out: FieldError[] = [];
  let catalogueOnly = false;
  for (const [i, runtime] of allowedRuntimes(c).entries()) {
    const field = c.runtimes?.length ? `${at}.runtimes[${i}]` : `${at}.runtime`;
    if (rules.policies.some((p) => policyAllows(p, runtime, c.artifact))) continue;
    if (rules.catalogue.some((a) => approves(a, runtime, c.artifact))) {
      catalogueOnly = true;
      continue;
    }
    const what = IMAGE_RUNTIMES.includes(runtime) ? `image ${c.artifact.image ?? '(none)'}` : 'this command';
    const allowed = rules.policies.length
      ? ` (its policies allow: ${[...new Set(rules.policies.flatMap((p) => p.runtimes))].join(', ')}, with patterns)`
      : '';
    out.push({
      field,
      message:
        `runtime ${runtime} may not run ${what} in namespace ${rules.namespace}: no RuntimePolicy there allows it` +
        `${allowed} and it is no ApprovedArtifact (continuum get approvedartifacts); ask a cloud-edge admin`,
    });
  }
  if (catalogueOnly) {
    if (c.healthCheck?.exec)
      out.push({
        field: `${at}.healthCheck.exec`,
        message: 'an exec health check runs a command of its own: needs a RuntimePolicy for the namespace',
      });
    hookEnvProblems(c.env, `${at}.env`, out);
    if (extraEnv) hookEnvProblems(extraEnv.env, extraEnv.path, out);
  }
  return out;
}

/** Problems of every component of an Application (with a Deployment's env overrides, when given). */
export function applicationRuntimeProblems(
  app: ApplicationSpec,
  rules: RuntimeRules,
  overrides?: DeploymentSpec['overrides'],
): FieldError[] {
  return app.components.flatMap((c, i) => {
    const o = overrides?.[c.name];
    const at = overrides ? `(application component ${c.name})` : `spec.components[${i}]`;
    return componentRuntimeProblems(c, at, rules, o ? { env: o.env, path: `spec.overrides.${c.name}.env` } : undefined);
  });
}

function refuse(kind: string, errors: FieldError[]): void {
  if (!errors.length) return;
  throw new ApiError(
    'Forbidden',
    `${kind} may not run here: ${errors[0].field}: ${errors[0].message}` +
      (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''),
    errors,
  );
}

/** An ApprovedArtifact must name what it approves: a command with its digest, or an image pinned by digest. */
function catalogueEntryProblems(a: ApprovedArtifactSpec): FieldError[] {
  const out: FieldError[] = [];
  if (a.image === undefined && (a.command === undefined || a.sha256 === undefined))
    out.push({ field: 'spec', message: 'give image (name@sha256:…), or command and sha256' });
  if (a.programFile !== undefined && a.args === undefined)
    out.push({ field: 'spec.args', message: 'an interpreter entry (programFile) must pin its args' });
  return out;
}

export interface RuntimeAdmissionOptions {
  /** Every namespace may run anything (in-process test harnesses only; never a server flag). */
  allowAll?: boolean;
}

/**
 * Refuses (403, field paths) Applications and Deployments whose components may run what neither a RuntimePolicy
 * of their namespace nor the ApprovedArtifact catalogue allows. Checked on create and on spec change; a
 * Deployment is checked against the current rules, so revoking a policy stops new Deployments of old apps.
 */
export function runtimeAdmission(opts: RuntimeAdmissionOptions = {}): Admission {
  return async (op, kind, obj: AnyResource, old, store) => {
    if (op === 'delete' || obj.metadata.deletionTimestamp) return;
    if (op === 'update' && old && jsonEqual(obj.spec, old.spec)) return;
    if (kind.kind === 'ApprovedArtifact') {
      const errors = catalogueEntryProblems(obj.spec as ApprovedArtifactSpec);
      if (errors.length) throw new ApiError('Invalid', `ApprovedArtifact is invalid: ${errors[0].message}`, errors);
      return;
    }
    if (opts.allowAll || (kind.kind !== 'Application' && kind.kind !== 'Deployment')) return;
    const namespace = obj.metadata.namespace!;
    const rules = await runtimeRules(store, namespace);
    if (kind.kind === 'Application')
      return refuse('Application', applicationRuntimeProblems(obj.spec as ApplicationSpec, rules));
    const spec = obj.spec as DeploymentSpec;
    const app = await store.get(ApplicationKind, namespace, spec.application);
    if (app) refuse('Deployment', applicationRuntimeProblems(app.spec, rules, spec.overrides ?? {}));
  };
}
