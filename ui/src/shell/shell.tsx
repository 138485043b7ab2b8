import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../api";
import { loadMe, resetMe, useMe } from "./me";
import { NAV } from "./nav";
import "./shell.css";

/** Every signed-in screen sits under this header: the navigation, who is signed in, and signing out. */
export function Shell({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const { me, isAdmin } = useMe();
  const signInPage = path.startsWith("/login");

  useEffect(() => {
    if (!signInPage) loadMe().catch(() => {});
  }, [signInPage]);

  if (signInPage) return <>{children}</>;

  const signOut = async () => {
    await api("/auth/logout", { method: "POST" }).catch(() => {});
    resetMe();
    location.assign("/login");
  };

  return (
    <>
      <header class="shell-header">
        <a class="shell-brand" href="/flows">
          Eddy
        </a>
        <nav aria-label="Main">
          <ul class="shell-nav">
            {NAV.filter((item) => !item.admin || isAdmin).map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={item.matches(path) ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {me && (
          <div class="shell-user">
            <span>
              {me.email ?? "API token"} <span class="shell-role">{me.role}</span>
            </span>
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {/* Screens render their content only once we know who is signed in (and what they may do). */}
      {me ? children : <p class="shell-loading" role="status">Loading…</p>}
    </>
  );
}
