// Provider: an organisation operating sites (legal identity, headquarters, certifications).
import { Type, type Static } from 'typebox';
import { Conditions } from '../meta.js';
import { Country } from './common.js';

export const ProviderSpec = Type.Object(
  {
    legalName: Type.String({ minLength: 1, maxLength: 256 }),
    headquarters: Type.Object(
      { country: Country, city: Type.Optional(Type.String({ maxLength: 128 })) },
      { additionalProperties: false },
    ),
    /** Plain attribute claims now (e.g. ISO27001, EUCS-high); verifiable credentials later. */
    certifications: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 })),
    contact: Type.Optional(
      Type.Object(
        { email: Type.Optional(Type.String({ maxLength: 256 })), url: Type.Optional(Type.String({ maxLength: 512 })) },
        { additionalProperties: false },
      ),
    ),
    /** Free-form provider attributes used by placement requirements. */
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 256 }))),
    /** True for a partner provider known through federation (its sites are candidates like own sites). */
    federated: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ProviderSpec = Static<typeof ProviderSpec>;

export const ProviderStatus = Type.Object(
  { conditions: Type.Optional(Conditions), sites: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);
export type ProviderStatus = Static<typeof ProviderStatus>;
