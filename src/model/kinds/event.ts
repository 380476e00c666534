// Event: a record of something a controller or agent did to an object (shown by `describe`).
import { Type, type Static } from 'typebox';

export const EventSpec = Type.Object(
  {
    involvedObject: Type.Object(
      {
        kind: Type.String(),
        name: Type.String(),
        namespace: Type.Optional(Type.String()),
        uid: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    type: Type.Union([Type.Literal('Normal'), Type.Literal('Warning')]),
    reason: Type.String({ minLength: 1, maxLength: 128 }),
    message: Type.String({ maxLength: 4096 }),
    source: Type.Optional(Type.String({ maxLength: 128 })),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    firstTimestamp: Type.Optional(Type.String()),
    lastTimestamp: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type EventSpec = Static<typeof EventSpec>;
export const EventStatus = Type.Object({}, { additionalProperties: false });
export type EventStatus = Static<typeof EventStatus>;
