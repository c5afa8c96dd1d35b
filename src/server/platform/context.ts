/** What route files and event handlers get from the app: the database and the shared registries. */
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from "fastify";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Config } from "./config.js";
import type { Db } from "./db/schema.js";
import type { JobRegistry, Worker } from "./jobs.js";
import type { EventBus } from "./outbox.js";

export interface AppContext {
  db: Db;
  config: Config;
  events: EventBus;
  jobs: JobRegistry;
  /** The background worker when this process has the worker role. */
  worker: Worker | null;
}

/** The Fastify instance with TypeBox typing, as route files see it. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;
