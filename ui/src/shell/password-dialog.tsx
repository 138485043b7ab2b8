import { useRef, useState } from "preact/hooks";
import { api, ApiFailure } from "../api";

/** Change your own password: the current one, then the new one twice. Other sessions are signed out. */
export function PasswordDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    if (data.get("password") !== data.get("again")) return setMessage({ ok: false, text: "The two new passwords differ." });
    try {
      await api("me/password", { method: "POST", body: { current_password: data.get("current"), password: data.get("password") } });
      setMessage({ ok: true, text: "Password changed. Your other sessions are signed out." });
      form.reset();
    } catch (err) {
      const issue = err instanceof ApiFailure ? (err.body as { issues?: { path: string; message: string }[] })?.issues?.[0] : undefined;
      setMessage({
        ok: false,
        text: issue?.path === "current_password" ? "The current password is wrong." : issue ? `New password ${issue.message}.` : err instanceof Error ? err.message : String(err),
      });
    }
  };

  return (
    <dialog ref={(el) => { dialog.current = el; if (el && !el.open) el.showModal(); }} class="shell-dialog" aria-labelledby="password-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="password-title">Change password</h2>
        <label for="pw-current">Current password</label>
        <input id="pw-current" name="current" type="password" autocomplete="current-password" required />
        <label for="pw-new">New password (at least 10 characters)</label>
        <input id="pw-new" name="password" type="password" autocomplete="new-password" minLength={10} required />
        <label for="pw-again">New password again</label>
        <input id="pw-again" name="again" type="password" autocomplete="new-password" minLength={10} required />
        <p class={message?.ok ? "shell-ok" : "shell-error"} role="status">
          {message?.text}
        </p>
        <div class="shell-dialog-buttons">
          <button type="button" onClick={() => dialog.current?.close()}>
            Close
          </button>
          <button type="submit" class="shell-primary">
            Change password
          </button>
        </div>
      </form>
    </dialog>
  );
}
