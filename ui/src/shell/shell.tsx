import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../api";
import { loadMe, resetMe, useMe } from "./me";
import { NAV } from "./nav";
import { PasswordDialog } from "./password-dialog";
import "./shell.css";

/** Every signed-in screen sits under this header: the navigation, who is signed in, and signing out. */
export function Shell({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const { me, isAdmin } = useMe();
  const signInPage = path.startsWith("/login");
  const [failure, setFailure] = useState<string | null>(null);
  const [changingPassword, setChangingPassword] = useState(false);

  useEffect(() => {
    // A 401 has already sent the browser to /login; anything else is said, not left loading.
    if (!signInPage) loadMe().catch((e) => setFailure(e instanceof Error ? e.message : String(e)));
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
            {me.kind === "user" && (
              <button type="button" onClick={() => setChangingPassword(true)}>
                Password
              </button>
            )}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {/* Screens render their content only once we know who is signed in (and what they may do). */}
      {me ? (
        children
      ) : failure ? (
        <p class="shell-loading" role="alert">
          Eddy could not say who you are ({failure}). Reload to try again.
        </p>
      ) : (
        <p class="shell-loading" role="status">
          Loading…
        </p>
      )}
      {changingPassword && <PasswordDialog onClose={() => setChangingPassword(false)} />}
    </>
  );
}
