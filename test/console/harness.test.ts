// The harness itself: what every console test relies on.
import { expect, it } from "vitest";
import { useConsole } from "./harness";

const eddy = useConsole();

it("gives a page signed in as the first admin, and the API with a bearer token", async () => {
  await eddy.page.goto("/");
  const me = await eddy.page.evaluate(async () => (await fetch("/api/v1/me")).json());
  expect(me).toMatchObject({ kind: "user", email: eddy.admin.email, role: "admin" });
  expect((await eddy.api("GET", "/me")).body).toMatchObject({ kind: "token", role: "admin" });
});

it("makes users of each role and pages signed in as them, or signed out", async () => {
  const viewer = await eddy.createUser("viewer");
  const page = await eddy.newPage(viewer);
  await page.goto("/");
  expect(await page.evaluate(async () => (await fetch("/api/v1/me")).json())).toMatchObject({ email: viewer.email, role: "viewer" });
  const anonymous = await eddy.newPage(null);
  // The sign-in page, where a 401 does not send the page elsewhere mid-check.
  await anonymous.goto("/login");
  expect(await anonymous.evaluate(async () => (await fetch("/api/v1/me")).status)).toBe(401);
});
