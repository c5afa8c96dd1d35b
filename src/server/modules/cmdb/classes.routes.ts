import { CiAttributeDef, CiClass, CiClassList, ClassParams, CreateCiClassBody, errorResponses } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { addClassAttribute, createClass, getClass, listClasses } from "./classes.service.js";

const tags = ["CMDB"];

/** /api/v1/ci-classes: the class hierarchy and its administration. */
export function classRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/ci-classes",
    { schema: { tags, summary: "List CI classes with their effective attributes", response: { 200: CiClassList, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => listClasses(db, actorOf(req)),
  );
  app.post(
    "/api/v1/ci-classes",
    { schema: { tags, summary: "Create a CI class", body: CreateCiClassBody, response: { 201: CiClass, ...errorResponses } }, config: { permission: "cmdb.admin" } },
    async (req, reply) => reply.status(201).send(await createClass(db, actorOf(req), req.body)),
  );
  app.get(
    "/api/v1/ci-classes/:name",
    { schema: { tags, summary: "Get a CI class", params: ClassParams, response: { 200: CiClass, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => getClass(db, actorOf(req), req.params.name),
  );
  app.post(
    "/api/v1/ci-classes/:name/attributes",
    {
      schema: { tags, summary: "Add an attribute to a class (inherited by its subclasses)", params: ClassParams, body: CiAttributeDef, response: { 201: CiClass, ...errorResponses } },
      config: { permission: "cmdb.admin" },
    },
    async (req, reply) => reply.status(201).send(await addClassAttribute(db, actorOf(req), req.params.name, req.body)),
  );
}
