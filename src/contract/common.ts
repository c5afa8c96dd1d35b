/** Schemas shared by every resource: errors, ids, list envelopes. */
import { Type, type TSchema, type Static } from "@sinclair/typebox";

/** The one error shape of the API. */
export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: "Stable machine-readable code, e.g. `user.not_found`" }),
    message: Type.String({ description: "Human-readable explanation" }),
    details: Type.Record(Type.String(), Type.Unknown(), { description: "Extra facts; `field` names the bad input" }),
  },
  { title: "Error", description: "Error" },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** A record id (UUID). */
export const Id = Type.String({ minLength: 1, maxLength: 64, description: "Record id" });

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** Offset pagination shared by list endpoints. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: "Page size (1-500)" })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: "Rows to skip" })),
};

/** `sort=name` or `sort=-name` over the allowed fields. */
export function SortQuery<const F extends string[]>(fields: F) {
  const values = fields.flatMap((f) => [f, `-${f}`]);
  return Type.Optional(
    Type.Union(values.map((v) => Type.Literal(v)), { description: `Sort field; prefix with - for descending. One of: ${values.join(", ")}` }),
  );
}

/** The list envelope: items plus what is needed to page through them. */
export function ListOf<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      total: Type.Integer({ description: "Rows matching the filters" }),
      limit: Type.Integer(),
      offset: Type.Integer(),
    },
    { description },
  );
}

/** ISO-8601 timestamp. */
export const Timestamp = Type.String({ format: "date-time" });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

/** Standard error responses attached to every authenticated route. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
  429: ErrorResponse,
};
