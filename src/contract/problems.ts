/** Problem management: root cause, workaround, known errors and action items. */
import { Type, type Static } from "@sinclair/typebox";

/** Problem-specific fields of a ticket of kind problem. */
export const ProblemFields = Type.Object(
  {
    rootCause: Type.Union([Type.String(), Type.Null()]),
    workaround: Type.Union([Type.String(), Type.Null()]),
    knownError: Type.Boolean({ description: "Listed in the known error database" }),
    knownErrorAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  },
  { description: "Problem fields" },
);
export type ProblemFields = Static<typeof ProblemFields>;

/** Problem fields accepted on create, update and transitions. */
export const ProblemInput = Type.Object(
  {
    rootCause: Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()])),
    workaround: Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()])),
    knownError: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, description: "Problem fields to set" },
);
export type ProblemInput = Static<typeof ProblemInput>;
