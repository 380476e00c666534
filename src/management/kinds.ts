// Registers the management kinds: PriceList (what resources cost where and when) and ComputeQuota (per tenant).
import { Type, type Static } from 'typebox';
import { Conditions, Name, Quantity, registerKind, type Resource } from '../model/index.js';

const Timestamp = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$',
});
const Price = Type.Number({ minimum: 0, maximum: 1e9 });

/** Unit prices; a missing one is not charged. */
export const UnitPrices = Type.Object(
  {
    cpuHour: Type.Optional(Price),
    memoryGiBHour: Type.Optional(Price),
    storageGiBHour: Type.Optional(Price),
    /** Per GB (10^9 bytes) sent out. */
    egressGB: Type.Optional(Price),
    kWh: Type.Optional(Price),
    invocation: Type.Optional(Price),
  },
  { additionalProperties: false },
);
export type UnitPrices = Static<typeof UnitPrices>;

export const PriceListSpec = Type.Object(
  {
    /** ISO 4217 code; every amount rated with this list is in it. */
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    /** The provider whose sites this list prices; absent: every provider. */
    provider: Type.Optional(Name),
    /** Only these sites (more specific than provider); absent: every site of the provider. */
    sites: Type.Optional(Type.Array(Name, { minItems: 1, maxItems: 1024 })),
    /** Valid for usage from this instant (inclusive) ... */
    validFrom: Timestamp,
    /** ... until this one (exclusive); absent: open-ended. */
    validUntil: Type.Optional(Timestamp),
    prices: UnitPrices,
  },
  { additionalProperties: false },
);
export type PriceListSpec = Static<typeof PriceListSpec>;

export const PriceListStatus = Type.Object({ conditions: Type.Optional(Conditions) }, { additionalProperties: false });
export type PriceListStatus = Static<typeof PriceListStatus>;

export const ComputeQuotaSpec = Type.Object(
  {
    /** Cores requested by every workload of the tenant together. */
    cpu: Type.Optional(Quantity),
    memory: Type.Optional(Quantity),
    gpu: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    /** Highest rated spend in a calendar month (UTC) in `currency`; reached: nothing new is placed. */
    monthlySpend: Type.Optional(Type.Number({ minimum: 0 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  },
  { additionalProperties: false },
);
export type ComputeQuotaSpec = Static<typeof ComputeQuotaSpec>;

export const ComputeQuotaStatus = Type.Object(
  {
    used: Type.Optional(
      Type.Object(
        {
          cpu: Type.Optional(Type.Number()),
          memory: Type.Optional(Type.Number()),
          gpu: Type.Optional(Type.Number()),
          monthlySpend: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
    ),
    conditions: Type.Optional(Conditions),
  },
  { additionalProperties: false },
);
export type ComputeQuotaStatus = Static<typeof ComputeQuotaStatus>;

export const PriceListKind = registerKind({
  kind: 'PriceList',
  plural: 'pricelists',
  singular: 'pricelist',
  shortNames: ['prices', 'pl'],
  namespaced: false,
  spec: PriceListSpec,
  status: PriceListStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'CURRENCY', path: 'spec.currency' },
    { name: 'PROVIDER', path: 'spec.provider' },
    { name: 'FROM', path: 'spec.validFrom' },
    { name: 'UNTIL', path: 'spec.validUntil' },
    { name: 'CPU-HOUR', path: 'spec.prices.cpuHour', wide: true },
    { name: 'GIB-HOUR', path: 'spec.prices.memoryGiBHour', wide: true },
  ],
  selectableFields: ['spec.provider', 'spec.currency'],
  description: 'Unit prices of a provider or some sites over a validity period; rates usage records.',
});

export const ComputeQuotaKind = registerKind({
  kind: 'ComputeQuota',
  plural: 'computequotas',
  singular: 'computequota',
  shortNames: ['cq'],
  namespaced: true,
  spec: ComputeQuotaSpec,
  status: ComputeQuotaStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'CPU', path: 'spec.cpu' },
    { name: 'MEMORY', path: 'spec.memory' },
    { name: 'GPU', path: 'spec.gpu' },
    { name: 'MONTHLY SPEND', path: 'spec.monthlySpend' },
  ],
  selectableFields: [],
  description: "A tenant's compute quota (cpu, memory, gpu, monthly spend): placement and admission enforce it.",
});

export type PriceList = Resource<PriceListSpec, PriceListStatus>;
export type ComputeQuota = Resource<ComputeQuotaSpec, ComputeQuotaStatus>;
