import { Type, type Static } from "@sinclair/typebox";
import { Email, Password, PersonName, User } from "./users.js";

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const SetupBody = Type.Object({ email: Email, name: PersonName, password: Password }, { additionalProperties: false });
export type SetupBody = Static<typeof SetupBody>;

export const SetupStatus = Type.Object({ needed: Type.Boolean({ description: "True until the first admin exists" }) });

export const SessionInfo = Type.Object({
  user: User,
  csrfToken: Type.String({ description: "Send as x-csrf-token on cookie-authenticated writes" }),
  permissions: Type.Array(Type.String()),
});

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
