// Registers the AlertRule kind: where a tenant's fault notifications (CloudEvents) are POSTed.
import { Type, type Static } from 'typebox';
import { Conditions, Name, registerKind, type Resource } from '../../model/index.js';

export const ALERT_TYPES = ['TicketOpened', 'RemediationRestart', 'TicketResolved'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const AlertRuleSpec = Type.Object(
  {
    /** http(s) URL the CloudEvents are POSTed to (structured mode). Link-local and metadata addresses are refused. */
    webhook: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 }),
    /** Only faults of this SLO; absent: every SLO of the namespace. */
    slo: Type.Optional(Name),
    /** Only these alert types; absent: all. */
    types: Type.Optional(
      Type.Array(
        Type.Union([Type.Literal('TicketOpened'), Type.Literal('RemediationRestart'), Type.Literal('TicketResolved')]),
        { maxItems: 3 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AlertRuleSpec = Static<typeof AlertRuleSpec>;

export const AlertRuleStatus = Type.Object(
  { delivered: Type.Optional(Type.Integer({ minimum: 0 })), conditions: Type.Optional(Conditions) },
  { additionalProperties: false },
);
export type AlertRuleStatus = Static<typeof AlertRuleStatus>;

export const AlertRuleKind = registerKind({
  kind: 'AlertRule',
  plural: 'alertrules',
  singular: 'alertrule',
  shortNames: [],
  namespaced: true,
  spec: AlertRuleSpec,
  status: AlertRuleStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'WEBHOOK', path: 'spec.webhook' },
    { name: 'SLO', path: 'spec.slo' },
    { name: 'DELIVERED', path: 'status.delivered' },
  ],
  selectableFields: [],
  description: 'Where fault alerts (ticket opened, remediation, resolved) of a namespace are POSTed as CloudEvents.',
});

export type AlertRule = Resource<AlertRuleSpec, AlertRuleStatus>;
