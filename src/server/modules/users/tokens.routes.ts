import { Type } from "@sinclair/typebox";
import { CreatedToken, CreateTokenBody, errorResponses, IdParams, ListTokensQuery, TokenList } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { createToken, listTokens, revokeToken } from "./tokens.service.js";

const tags = ["API tokens"];

/** /api/v1/tokens: create, list and revoke API tokens. */
export function tokenRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/tokens",
    { schema: { tags, summary: "List API tokens (yours; admins: all=true)", querystring: ListTokensQuery, response: { 200: TokenList, ...errorResponses } }, config: { permission: "tokens.own" } },
    async (req) => listTokens(db, actorOf(req), req.query),
  );
  app.post(
    "/api/v1/tokens",
    { schema: { tags, summary: "Create an API token; the secret is returned once", body: CreateTokenBody, response: { 201: CreatedToken, ...errorResponses } }, config: { permission: "tokens.own" } },
    async (req, reply) => reply.status(201).send(await createToken(db, actorOf(req), req.body)),
  );
  app.delete(
    "/api/v1/tokens/:id",
    { schema: { tags, summary: "Revoke an API token", params: IdParams, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "tokens.own" } },
    async (req, reply) => {
      await revokeToken(db, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
