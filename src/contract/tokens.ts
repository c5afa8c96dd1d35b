import { Type, type Static } from "@sinclair/typebox";
import { Id, NullableTimestamp, Timestamp } from "./common.js";

export const ApiToken = Type.Object(
  {
    id: Id,
    name: Type.String(),
    prefix: Type.String({ description: "First characters of the secret, to recognise it" }),
    userId: Id,
    userEmail: Type.String(),
    createdAt: Timestamp,
    expiresAt: NullableTimestamp,
    lastUsedAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
  },
  { title: "ApiToken", description: "An API token (the secret itself is shown only once, at creation)" },
);
export type ApiToken = Static<typeof ApiToken>;

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120, description: "What the token is for" }),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "Expiry (ISO-8601); none = never" })),
    userId: Type.Optional(Type.String({ description: "Owner (admins only; default: yourself)" })),
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const CreatedToken = Type.Object({
  token: ApiToken,
  secret: Type.String({ description: "The bearer secret. Shown once; store it now." }),
});

export const ListTokensQuery = Type.Object(
  {
    all: Type.Optional(Type.Boolean({ description: "Admins: everyone's tokens" })),
    userId: Type.Optional(Type.String({ description: "Admins: tokens of this user" })),
  },
  { additionalProperties: false },
);
export type ListTokensQuery = Static<typeof ListTokensQuery>;
export const TokenList = Type.Object({ items: Type.Array(ApiToken) });
