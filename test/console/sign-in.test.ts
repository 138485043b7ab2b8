// Signing in and out in the browser, as a person does.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";
import { ROOT } from "./processes";
import { screenshot } from "./screenshot";

const eddy = useConsole();

it("sends a signed-out visitor to the sign-in page, refuses a wrong password, signs in and back out", async () => {
  const page = await eddy.newPage(null);
  await page.goto("/flows");
  await page.waitForURL(/\/login\?next=%2Fflows$/);

  await page.getByLabel("Email").fill(eddy.admin.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => page.getByRole("alert").textContent()).toBe("Wrong email or password.");
  expect(page.url()).toMatch(/\/login/);

  await page.getByLabel("Password").fill(eddy.admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/flows$/);
  const header = page.getByRole("banner");
  await header.getByText(eddy.admin.email).waitFor();
  expect(await header.getByText("admin", { exact: true }).count()).toBe(1);
  expect(await page.getByRole("link", { name: "Flows" }).getAttribute("aria-current")).toBe("page");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);
  expect(await page.evaluate(async () => (await fetch("/api/v1/me")).status)).toBe(401);
  await page.context().close();
});

it("shows a viewer's role in the header", async () => {
  const viewer = await eddy.createUser("viewer");
  const page = await eddy.newPage(viewer);
  await page.goto("/flows");
  await page.getByRole("banner").getByText(viewer.email).waitFor();
  expect(await page.getByRole("banner").getByText("viewer", { exact: true }).count()).toBe(1);
  await page.context().close();
});

it("changes your own password from the header; the new one signs in", async () => {
  const editor = await eddy.createUser("editor");
  const page = await eddy.newPage(editor);
  await page.goto("/flows");
  await page.getByRole("button", { name: "Password" }).click();
  const dialog = page.getByRole("dialog", { name: "Change password" });
  await dialog.getByLabel("Current password").fill("not it at all");
  await dialog.getByLabel("New password (at least 10 characters)").fill("brand new passphrase");
  await dialog.getByLabel("New password again").fill("brand new passphrase");
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect.poll(() => dialog.getByRole("status").textContent()).toBe("The current password is wrong.");
  await dialog.getByLabel("Current password").fill(editor.password);
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect.poll(() => dialog.getByRole("status").textContent()).toMatch(/^Password changed/);
  await page.context().close();
  const again = await eddy.newPage({ email: editor.email, password: "brand new passphrase" });
  await again.context().close();
});

it("the sign-in page has no serious accessibility violations", async () => {
  const page = await eddy.newPage(null);
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 640, height: 420 });
  await screenshot(page, "sign-in");
  await page.context().close();
});

it("scripts/admin.mjs creates users with EDDY_API_TOKEN and prints the password, which signs in", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["scripts/admin.mjs", "create", "ana@example.org", "--role", "editor", "--url", eddy.origin], {
    cwd: ROOT,
    env: { ...process.env, EDDY_API_TOKEN: eddy.token, EDDY_PASSWORD: "" },
  });
  const password = stdout.match(/^password: (\S+)$/m)?.[1];
  expect(stdout).toMatch(/^created editor ana@example.org$/m);
  const page = await eddy.newPage({ email: "ana@example.org", password: password! });
  await page.goto("/flows");
  await page.getByRole("banner").getByText("ana@example.org").waitFor();
  await page.context().close();
});
