// The users screen: an admin adds people with a role, changes it, removes them; others never see it.
import { expect, it } from "vitest";
import { seriousA11yViolations } from "./axe";
import { useConsole } from "./harness";

const eddy = useConsole();

it("an admin adds an editor, gets the password once, makes them a viewer and deletes them", async () => {
  const { page } = eddy;
  page.on("dialog", (d) => d.accept());
  await page.goto("/flows");
  await page.getByRole("link", { name: "Users" }).click();
  await page.waitForURL(/\/users$/);
  const form = page.getByRole("form", { name: "Add a user" });
  await form.getByLabel("Email").fill("field.officer@example.org");
  await form.getByLabel("Role").selectOption("editor");
  await form.getByRole("button", { name: "Add user" }).click();
  const shown = await page.getByRole("status").filter({ hasText: "field.officer@example.org" }).locator("code").textContent();

  // The password shown signs them in, as an editor.
  const officer = await eddy.newPage({ email: "field.officer@example.org", password: shown! });
  await officer.goto("/flows");
  await officer.getByRole("button", { name: "New flow" }).waitFor();
  expect(await officer.getByRole("link", { name: "Users" }).count()).toBe(0);

  await page.getByLabel("Role of field.officer@example.org").selectOption("viewer");
  await expect.poll(async () => (await eddy.api("GET", "/users")).body.results.find((u: any) => u.email === "field.officer@example.org")?.role).toBe("viewer");
  await officer.reload();
  await officer.getByRole("banner").getByText("viewer", { exact: true }).waitFor();
  expect(await officer.getByRole("button", { name: "New flow" }).count()).toBe(0);

  expect(await seriousA11yViolations(page)).toEqual([]);

  await page.getByRole("button", { name: "Delete field.officer@example.org" }).click();
  await expect.poll(() => page.getByRole("cell", { name: "field.officer@example.org" }).count()).toBe(0);
  expect(await officer.evaluate(async () => (await fetch("/api/v1/me")).status)).toBe(401);
  await officer.context().close();
});
