import { z } from "zod";
import { ROLES } from "./roles";

/** Sign-in names: an email address, compared lower-cased. */
export const Email = z.email("must be an email address").max(254).transform((e) => e.toLowerCase());

/** Long enough that guessing it within the throttle's limits is hopeless; length beats rules. */
export const Password = z.string().min(10, "must be at least 10 characters").max(256);

export const RoleSchema = z.enum(ROLES).describe("admin: everything incl. users, tokens and channels; editor: flows, contacts, starts; viewer: read-only");
