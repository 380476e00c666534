// UserArea: a place where users are (a city or region); latency requirements are stated against it.
import { Type, type Static } from 'typebox';
import { CIDR_PATTERN, Location } from './common.js';

export const UserAreaSpec = Type.Object(
  {
    location: Location,
    population: Type.Optional(Type.Integer({ minimum: 0 })),
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
    /**
     * Client networks (CIDRs, e.g. "192.0.2.0/24", "2001:db8::/32") whose callers the application gateway counts
     * as users of this area; the longest matching prefix over all areas wins.
     */
    networks: Type.Optional(Type.Array(Type.String({ maxLength: 64, pattern: CIDR_PATTERN }), { maxItems: 256 })),
  },
  { additionalProperties: false },
);
export type UserAreaSpec = Static<typeof UserAreaSpec>;
export const UserAreaStatus = Type.Object({}, { additionalProperties: false });
export type UserAreaStatus = Static<typeof UserAreaStatus>;
