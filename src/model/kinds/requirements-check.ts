// Contradictions within requirements merged over layers (application < component < deployment), with field paths.
import type { FieldError } from '../errors.js';
import type { Requirements } from './application.js';

/** EU-27 member states (ISO 3166-1 alpha-2): what `euOnly` and `headquartersEU` allow. */
export const EU_COUNTRIES: ReadonlySet<string> = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' '),
);

/** One layer of requirements and the field path its object sits at (e.g. "spec.components[1].requirements"). */
export interface RequirementLayer {
  readonly req: Requirements | undefined;
  readonly path: string;
}

interface Set_<T> {
  value: T;
  path: string;
  layer: number;
}

/** The effective value of a field over the layers (later layers override), with where it was set. */
function effective<T>(
  layers: readonly RequirementLayer[],
  get: (r: Requirements) => T | undefined,
): Set_<T> | undefined {
  let out: Set_<T> | undefined;
  layers.forEach((l, layer) => {
    const v = l.req ? get(l.req) : undefined;
    if (v !== undefined) out = { value: v, path: l.path, layer };
  });
  return out;
}

/**
 * Requirement combinations no site can ever satisfy, over the merged layers (each field overridden
 * by the last layer that sets it, as placement merges them): an allowed country outside the EU under
 * `euOnly`, a country both allowed and denied, a preferred category that is not allowed, a headquarters
 * country outside the EU under `headquartersEU`. Each error is reported at the field of the later layer
 * of the two that clash (the one that introduced the contradiction), with the other named in the message.
 */
export function requirementConflicts(layers: readonly RequirementLayer[]): FieldError[] {
  const out: FieldError[] = [];
  const at = <A, B>(a: Set_<A>, b: Set_<B>) => (a.layer >= b.layer ? a : b);
  const clash = (
    list: Set_<readonly string[]>,
    listField: string,
    other: Set_<unknown>,
    otherField: string,
    bad: (x: string) => boolean,
    message: (x: string, where: string) => string,
  ): void => {
    list.value.forEach((x, i) => {
      if (!bad(x)) return;
      const listPath = `${list.path}.${listField}[${i}]`;
      const otherPath = `${other.path}.${otherField}`;
      out.push(
        at(list, other) === list
          ? { field: listPath, message: message(x, otherPath) }
          : { field: otherPath, message: message(x, listPath) },
      );
    });
  };
  const euOnly = effective(layers, (r) => (r.jurisdiction?.euOnly ? true : undefined));
  const allowed = effective(layers, (r) => r.jurisdiction?.allowedCountries);
  const denied = effective(layers, (r) => r.jurisdiction?.deniedCountries);
  if (euOnly && allowed)
    clash(
      allowed,
      'jurisdiction.allowedCountries',
      euOnly,
      'jurisdiction.euOnly',
      (c) => !EU_COUNTRIES.has(c),
      (c, w) => `${c} is outside the EU, which ${w} excludes: no site there can be used`,
    );
  if (allowed && denied)
    clash(
      denied,
      'jurisdiction.deniedCountries',
      allowed,
      'jurisdiction.allowedCountries',
      (c) => allowed.value.includes(c),
      (c, w) => `${c} is both denied and allowed (${w})`,
    );
  const cats = effective(layers, (r) => r.categories?.allowed);
  const preferred = effective(layers, (r) => r.categories?.preferred);
  if (cats && preferred)
    clash(
      preferred,
      'categories.preferred',
      cats,
      'categories.allowed',
      (c) => !cats.value.includes(c as never),
      (c, w) => `category ${c} is preferred but not in ${w}`,
    );
  const hqEU = effective(layers, (r) => (r.providerAttributes?.headquartersEU ? true : undefined));
  const hq = effective(layers, (r) => r.providerAttributes?.headquartersCountries);
  if (hqEU && hq)
    clash(
      hq,
      'providerAttributes.headquartersCountries',
      hqEU,
      'providerAttributes.headquartersEU',
      (c) => !EU_COUNTRIES.has(c),
      (c, w) => `${c} is outside the EU, which ${w} excludes`,
    );
  return out;
}
