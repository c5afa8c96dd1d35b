/** A real OpsDesk app on a fresh database, plus factories for users and tokens. */
import type { LightMyRequestResponse } from "fastify";
import { buildApp, type Built } from "../../src/server/app.js";
import { loadConfig, type Config } from "../../src/server/platform/config.js";
import { SYSTEM_ACTOR, type Role } from "../../src/server/platform/auth/permissions.js";
import { createToken, createUser } from "../../src/server/modules/users/index.js";
import type { User } from "../../src/contract/index.js";
import { createTestDb, type TestDb } from "./test-db.js";

let counter = 0;

export interface TestUser {
  user: User;
  password: string;
  token: string;
  /** Headers authenticating as this user with their API token. */
  auth: { authorization: string };
}

export interface TestApp {
  built: Built;
  app: Built["app"];
  tdb: TestDb;
  db: TestDb["db"];
  admin: TestUser;
  /** Creates a user with the role and an API token. */
  user(role: Role, overrides?: Partial<{ email: string; name: string; password: string; active: boolean }>): Promise<TestUser>;
  /** Signs in with email and password; returns the cookie and CSRF headers of the session. */
  login(email: string, password: string): Promise<{ cookie: string; csrf: string; res: LightMyRequestResponse }>;
  close(): Promise<void>;
}

/** Builds the app on a fresh database with one admin already present. */
/**
 * A fresh app on a fresh database. `fileDb` puts SQLite in a file instead of memory, as a real
 * server has it (the events fold thread, for one, only runs on a file).
 */
export async function createTestApp(overrides: Partial<Config> = {}, options: { withAdmin?: boolean; fileDb?: boolean } = {}): Promise<TestApp> {
  const tdb = await createTestDb({ shared: options.fileDb === true });
  const config: Config = { ...loadConfig({ roles: "api" }, {}), ...overrides };
  const built = await buildApp({ db: tdb.db, config, logger: false });
  await built.app.ready();

  async function user(role: Role, o: Partial<{ email: string; name: string; password: string; active: boolean }> = {}): Promise<TestUser> {
    counter += 1;
    const password = o.password ?? `password-${counter}-x`;
    const created = await createUser(tdb.db, SYSTEM_ACTOR, {
      email: o.email ?? `${role}${counter}@example.com`,
      name: o.name ?? `${role} ${counter}`,
      role,
      password,
      active: o.active ?? true,
    });
    const { secret } = await createToken(tdb.db, SYSTEM_ACTOR, { name: "test", userId: created.id });
    return { user: created, password, token: secret, auth: { authorization: `Bearer ${secret}` } };
  }

  async function login(email: string, password: string) {
    const res = await built.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
    const setCookie = res.cookies.find((c) => c.name === "opsdesk_session");
    return { cookie: setCookie ? `opsdesk_session=${setCookie.value}` : "", csrf: res.json().csrfToken as string, res };
  }

  const admin = options.withAdmin === false ? (null as unknown as TestUser) : await user("admin");
  return {
    built,
    app: built.app,
    tdb,
    db: tdb.db,
    admin,
    user,
    login,
    async close() {
      await built.app.close();
      await tdb.cleanup();
    },
  };
}
