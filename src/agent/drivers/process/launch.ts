// How a process workload is launched: its environment, $(VAR) expansion, command resolution, spawn arguments.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ApiError } from '../../../model/errors.js';
import type { RunSpec } from '../driver.js';
import { portEnv } from './ports.js';
import { StartRefusal } from './refusals.js';

/** Agent environment variables a workload inherits; everything else (tokens, NODE_OPTIONS, ...) stays private. */
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/**
 * Kubernetes-style expansion: `$(NAME)` becomes the variable's value when defined and stays literally
 * otherwise; `$$` is an escaped `$`, so `$$(NAME)` yields the literal `$(NAME)`.
 */
export function expandVars(input: string, vars: Record<string, string>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    return vars[name] ?? whole;
  });
}

/** Built-in variables: ARTIFACTS, WORKDIR, PORT, PORT_<NAME>. They take precedence over workload env. */
export function builtinVars(spec: RunSpec, ports: Record<string, number>, workDir: string): Record<string, string> {
  return {
    ...(spec.artifactBaseDir ? { ARTIFACTS: spec.artifactBaseDir } : {}),
    WORKDIR: workDir,
    ...portEnv(spec.ports, ports),
  };
}

/** The complete environment of the workload process. */
export function workloadEnv(spec: RunSpec, ports: Record<string, number>, workDir: string): Record<string, string> {
  const env: Record<string, string> = { HOME: workDir };
  for (const k of INHERITED) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  if (env.PATH === undefined) env.PATH = '/usr/local/bin:/usr/bin:/bin';
  for (const e of spec.env) env[e.name] = e.value ?? '';
  return { ...env, ...builtinVars(spec, ports, workDir) };
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves the executable: absolute paths as given, relative paths containing '/' against `baseDir`,
 * bare names on `pathEnv`. Throws ApiError Invalid when nothing executable is found.
 */
export function resolveCommand(command: string, baseDir: string | undefined, pathEnv: string): string {
  let candidate: string | undefined;
  if (isAbsolute(command)) candidate = command;
  else if (command.includes('/')) {
    if (!baseDir) throw new ApiError('Invalid', `relative command ${command} needs an artifact base directory`);
    candidate = resolve(baseDir, command);
  } else {
    for (const dir of pathEnv.split(delimiter)) {
      if (dir && isExecutableFile(join(dir, command))) return join(dir, command);
    }
    throw new StartRefusal('CommandNotFound', `command ${command} not found on PATH`);
  }
  if (!isExecutableFile(candidate))
    throw new StartRefusal('CommandNotFound', `command ${candidate} is not an executable file`);
  return candidate;
}

export interface LaunchPlan {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** Resolves command, args and env of one run; throws ApiError Invalid on an unusable artifact. */
export function planLaunch(spec: RunSpec, ports: Record<string, number>, workDir: string): LaunchPlan {
  if (!spec.artifact.command)
    throw new ApiError('Invalid', `workload ${spec.id}: the process runtime needs artifact.command`);
  const env = workloadEnv(spec, ports, workDir);
  const file = resolveCommand(expandVars(spec.artifact.command, env), spec.artifactBaseDir, env.PATH ?? '');
  const args = (spec.artifact.args ?? []).map((a) => expandVars(a, env));
  return { file, args, env };
}

/** Shell used to join cgroups before exec: `sh -c JOIN sh <n> <procs files...> <file> <args...>`. */
export const CGROUP_JOIN_SCRIPT =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || { echo "continuum: cannot join cgroup $1" >&2; exit 125; }; shift; n=$((n-1)); done; exec "$@"';

/** Wraps a plan so the process enters its cgroups before its own code runs (no allocation escapes the limit). */
export function withCgroupJoin(plan: LaunchPlan, procsFiles: string[]): { file: string; args: string[] } {
  if (procsFiles.length === 0) return { file: plan.file, args: plan.args };
  return {
    file: '/bin/sh',
    args: ['-c', CGROUP_JOIN_SCRIPT, 'sh', String(procsFiles.length), ...procsFiles, plan.file, ...plan.args],
  };
}
