/** The API contract shared by server, web and CLI. */
export * from "./common.js";
export * from "./users.js";
export * from "./groups.js";
export * from "./tokens.js";
export * from "./audit.js";
export * from "./auth.js";
export * from "./cmdb.js";
export * from "./sla.js";
export * from "./events.js";
export * from "./problems.js";
export * from "./changes.js";
export * from "./tickets.js";
