import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { resetMe, type Me } from "../shell/me";
import "./sign-in.css";

/** Where to go after signing in: the page that sent us here, if it is one of ours. */
function nextPath(query: Record<string, string>): string {
  const next = query.next ?? "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/flows";
}

export function SignIn() {
  const { query, route } = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [setupNeeded, setSetupNeeded] = useState(false);

  useEffect(() => {
    fetch("/auth/setup")
      .then((r) => r.json())
      .then((r: { needed: boolean }) => setSetupNeeded(r.needed))
      .catch(() => {});
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", "x-requested-with": "eddy-console" },
        body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
        credentials: "same-origin",
      });
      const body = await res.json().catch(() => null);
      if (res.ok) {
        resetMe({ kind: "user", ...(body.user as Omit<Me, "kind">) });
        route(nextPath(query));
        return;
      }
      setError(
        res.status === 401
          ? "Wrong email or password."
          : res.status === 429
            ? `Too many failed attempts. Try again in ${Math.ceil(Number(res.headers.get("retry-after") ?? 60) / 60)} minute(s).`
            : (body?.message ?? `Sign-in failed (${res.status}).`),
      );
    } catch {
      setError("Eddy cannot be reached. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Eddy</h1>
        {setupNeeded && (
          <p class="sign-in-setup" role="note">
            No one can sign in yet. Create the first admin where Eddy runs: <code>node scripts/admin.mjs create you@example.org</code> (see docs/console.md).
          </p>
        )}
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required autoFocus />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <p class="sign-in-error" role="alert">
          {error}
        </p>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
