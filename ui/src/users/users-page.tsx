import { useEffect, useState } from "preact/hooks";
import { api, ApiFailure } from "../api";
import { useMe, type Role } from "../shell/me";
import "./users.css";

interface User {
  uuid: string;
  email: string;
  role: Role;
  created_on: string;
  last_sign_in_on: string | null;
}

const ROLES: { value: Role; label: string }[] = [
  { value: "viewer", label: "Viewer: reads everything" },
  { value: "editor", label: "Editor: also changes flows, contacts, starts" },
  { value: "admin", label: "Admin: also users, tokens and channels" },
];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "never");

/** People who sign in, and their roles: admins only (the API refuses anyone else). */
export function UsersPage() {
  const { me, isAdmin } = useMe();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    if (!isAdmin) return;
    api<{ results: User[] }>("users")
      .then((r) => setUsers(r.results))
      .catch((e) => setError(e instanceof Error ? e.message : String(e)));
  }, [isAdmin, reload]);

  const run = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      setReload((n) => n + 1);
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
    }
  };

  const create = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    run(async () => {
      const user = await api<User & { password?: string }>("users", { method: "POST", body: { email: data.get("email"), role: data.get("role") } });
      setCreated({ email: user.email, password: user.password ?? "" });
      form.reset();
    });
  };

  if (!isAdmin) {
    return (
      <main class="users">
        <h1>Users</h1>
        <p>Only admins manage users.</p>
      </main>
    );
  }

  return (
    <main class="users">
      <h1>Users</h1>
      <form class="users-create" onSubmit={create} aria-label="Add a user">
        <label>
          Email
          <input name="email" type="email" required autocomplete="off" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="editor">
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Add user</button>
      </form>
      {created && (
        <p class="users-created" role="status">
          {created.email} can sign in with the password <code>{created.password}</code>. It is shown only now: pass it on safely.
        </p>
      )}
      {error && (
        <p class="users-error" role="alert">
          {error}
        </p>
      )}
      {users && (
        <table class="users-table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.uuid}>
                <td>{u.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.email}`}
                    value={u.role}
                    onChange={(e) => {
                      const role = e.currentTarget.value;
                      run(() => api(`users/${u.uuid}`, { method: "PATCH", body: { role } }));
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.value[0].toUpperCase() + r.value.slice(1)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{when(u.last_sign_in_on)}</td>
                <td>
                  {u.uuid !== me?.uuid && (
                    <button
                      type="button"
                      aria-label={`Delete ${u.email}`}
                      onClick={() => confirm(`Delete ${u.email}? They are signed out at once.`) && run(() => api(`users/${u.uuid}`, { method: "DELETE" }))}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
