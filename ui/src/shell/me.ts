// Who is signed in, loaded once per page load and shared by every screen: screens read `useMe()`
// to hide what the role cannot do (the API refuses it anyway; hiding it just spares the click).
import { signal } from "@preact/signals";
import { api } from "../api";

export type Role = "admin" | "editor" | "viewer";
export interface Me {
  kind: "user" | "token";
  uuid: string | null;
  email: string | null;
  role: Role;
}

const current = signal<Me | null>(null);
let loading: Promise<Me> | null = null;

/** Loads /api/v1/me (a 401 sends the browser to /login); later calls share the first answer. */
export function loadMe(): Promise<Me> {
  loading ??= api<Me>("me").then((me) => (current.value = me));
  loading.catch(() => (loading = null));
  return loading;
}

/** Forgets the user (after signing out or in), so the next loadMe() asks again. */
export function resetMe(me: Me | null = null): void {
  current.value = me;
  loading = me ? Promise.resolve(me) : null;
}

export interface MeView {
  me: Me | null;
  /** May create and change flows, contacts, starts: editors and admins. */
  canEdit: boolean;
  /** May manage users, tokens and channels. */
  isAdmin: boolean;
}

/** The signed-in user and what they may do; re-renders the component when it changes. */
export function useMe(): MeView {
  const me = current.value;
  return { me, canEdit: me?.role === "admin" || me?.role === "editor", isAdmin: me?.role === "admin" };
}
