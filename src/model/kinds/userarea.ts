// UserArea: a place where users are (a city or region); latency requirements are stated against it.
import { Type, type Static } from 'typebox';
import { Location } from './common.js';

export const UserAreaSpec = Type.Object(
  {
    location: Location,
    population: Type.Optional(Type.Integer({ minimum: 0 })),
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type UserAreaSpec = Static<typeof UserAreaSpec>;
export const UserAreaStatus = Type.Object({}, { additionalProperties: false });
export type UserAreaStatus = Static<typeof UserAreaStatus>;
