// `npm run bench -- console`: the flow editor in headless chromium against wrangler dev. Time from
// navigation to the first rendered canvas and frame times while panning, for a generated 300-node
// flow next to the floor (the same page with an empty flow); and the editor's bundle size.
import { randomBytes, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import buildConsole, { type ConsoleBuild } from "../test/console/global-setup";
import { WRANGLER, freePort, node } from "../test/console/processes";
import { fmt } from "./harness";
import { guarded } from "./starts/guard";

const NODES = 300;
const OPENS = 5;
const PAN_STEPS = 90;
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

/** A flow shaped like real ones: questions (a message, then a wait with three categories) and messages, each exit going on. */
export function generatedFlow(nodes: number, withUi: boolean): Record<string, unknown> {
  const uuid = randomUUID;
  const list: any[] = [];
  for (let i = 0; i < nodes; i++) {
    if (i % 3 === 1) {
      const cats = ["Yes", "No", "Other"].map((name) => ({ uuid: uuid(), name, exit_uuid: uuid() }));
      list.push({
        uuid: uuid(),
        actions: [],
        router: {
          type: "switch", operand: "@input.text", wait: { type: "msg", timeout: undefined }, result_name: `Answer ${i}`,
          cases: [{ uuid: uuid(), type: "has_any_word", arguments: ["yes"], category_uuid: cats[0].uuid }, { uuid: uuid(), type: "has_any_word", arguments: ["no"], category_uuid: cats[1].uuid }],
          categories: cats, default_category_uuid: cats[2].uuid,
        },
        exits: cats.map((c) => ({ uuid: c.exit_uuid, destination_uuid: null })),
      });
    } else {
      list.push({ uuid: uuid(), actions: [{ uuid: uuid(), type: "send_msg", text: `Message ${i}: hello @contact.first_name, what do you think about question ${i}?`, quick_replies: ["Yes", "No"] }], exits: [{ uuid: uuid(), destination_uuid: null }] });
    }
  }
  // Every exit goes to the next node; a wait's "No" skips one ahead, so the graph branches and joins.
  list.forEach((n, i) => n.exits.forEach((e: any, k: number) => (e.destination_uuid = list[Math.min(list.length - 1, i + 1 + (k === 1 ? 1 : 0))]?.uuid ?? null)));
  list[list.length - 1].exits.forEach((e: any) => (e.destination_uuid = null));
  const _ui = withUi ? { nodes: Object.fromEntries(list.map((n, i) => [n.uuid, { position: { left: (i % 6) * 280, top: Math.floor(i / 6) * 260 } }])) } : undefined;
  return { uuid: uuid(), name: `Bench ${nodes}`, spec_version: "14.4.0", language: "eng", type: "messaging", nodes: list, ...(_ui ? { _ui } : {}) };
}

// Runs in the page before the app: resolves with performance.now() at the first frame the canvas
// shows a node (or the empty flow's hint). Only the first node is looked at: a style read of every
// node each frame would cost more than what is measured.
const WATCH_CANVAS = `window.__canvasReady = new Promise((resolve) => {
  const check = () => {
    const node = document.querySelector(".react-flow__node");
    const ready = document.querySelector(".react-flow__pane") && (document.querySelector(".canvas-empty") || (node && node.style.visibility !== "hidden" && getComputedStyle(node).visibility === "visible"));
    if (ready) resolve(performance.now()); else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
});`;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const median = (xs: number[]) => percentile(xs, 50);

async function openMs(page: Page, flow: string): Promise<number> {
  await page.goto(`/flows/${flow}`);
  return page.evaluate("window.__canvasReady") as Promise<number>;
}

/** Drags the canvas from its top-left corner (empty pane after fit) while the page records frame intervals. */
async function panFrames(page: Page): Promise<number[]> {
  const box = (await page.locator(".react-flow__pane").boundingBox())!;
  // The page is not typed here (no DOM lib in the bench's tsconfig): its scripts are strings.
  await page.evaluate(`(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); };
    window.__recording = true;
    requestAnimationFrame(tick);
  })()`);
  await page.mouse.move(box.x + 8, box.y + 8);
  await page.mouse.down();
  for (let i = 1; i <= PAN_STEPS; i++) {
    await page.mouse.move(box.x + 8 + (i * 600) / PAN_STEPS, box.y + 8 + (i * 400) / PAN_STEPS);
    await page.waitForTimeout(10);
  }
  await page.mouse.up();
  return page.evaluate("window.__recording = false, window.__frames.slice(1)") as Promise<number[]>;
}

async function chunkSizes(assets: string): Promise<{ name: string; raw: number; gz: number }[]> {
  const dir = join(assets, "assets");
  const files = (await readdir(dir)).filter((f) => /\.(js|css)$/.test(f));
  return Promise.all(files.map(async (f) => {
    const body = await readFile(join(dir, f));
    return { name: f.replace(/-[\w-]{8}\.(js|css)$/, ".$1"), raw: body.length, gz: gzipSync(body).length };
  }));
}

export async function consoleBench(): Promise<void> {
  console.log(
    `console: the flow editor in headless chromium (${CHROMIUM_ARGS.join(" ")}) on wrangler dev; floor: the same page with an empty flow.\n` +
      `  Open: ms from navigation to the first frame showing the flow's nodes, median of ${OPENS}. Pan: a ${PAN_STEPS}-step drag of the canvas, frame intervals p50/p95.`,
  );
  const rows = await guarded("console bench", 10 * 60_000, async (cleanup) => {
    let build: ConsoleBuild | undefined;
    const removeBuild = await buildConsole({ provide: (_key: string, value: ConsoleBuild) => (build = value) } as never);
    cleanup.defer(async () => removeBuild?.());
    const b = build!;
    const token = randomBytes(24).toString("hex");
    const [port, inspectorPort] = [await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${port}`;
    const dev = node(WRANGLER, [
      "dev", b.entry, "--no-bundle", "--config", "wrangler.toml", "--assets", b.assets, "--ip", "127.0.0.1", "--port", String(port),
      "--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort), "--persist-to", b.state, "--show-interactive-dev-session=false", "--var", `EDDY_API_TOKEN:${token}`,
    ]);
    cleanup.defer(() => dev.stop());
    for (let giveUp = Date.now() + 60_000; ; ) {
      if (!dev.running) throw new Error(`wrangler dev exited:\n${dev.tail()}`);
      const ok = await fetch(`${origin}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > giveUp) throw new Error(`wrangler dev not ready:\n${dev.tail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${origin}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as any;
    };
    const admin = { email: "bench@example.org", password: randomBytes(12).toString("base64url") };
    await call("POST", "/auth/setup", admin);
    const create = async (definition: Record<string, unknown>) => (await call("POST", "/api/v1/flows", { name: definition.name, type: "messaging", definition })).uuid as string;
    const flows = {
      big: await create(generatedFlow(NODES, true)),
      dagre: await create(generatedFlow(NODES, false)),
      empty: await create({ uuid: randomUUID(), name: "Empty", spec_version: "14.4.0", language: "eng", type: "messaging", nodes: [] }),
    };

    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
    cleanup.defer(() => browser.close());
    const context = await browser.newContext({ baseURL: origin, viewport: { width: 1280, height: 800 } });
    const login = await context.request.post(`${origin}/auth/login`, { data: admin });
    if (login.status() !== 200) throw new Error(`sign-in: ${login.status()}`);
    await context.addInitScript(WATCH_CANVAS);
    const page = await context.newPage();

    const measure = async (flow: string) => {
      await openMs(page, flow); // warms the browser's cache and the Worker
      const opens: number[] = [];
      for (let i = 0; i < OPENS; i++) opens.push(await openMs(page, flow));
      const frames = await panFrames(page);
      return { open: median(opens), p50: percentile(frames, 50), p95: percentile(frames, 95) };
    };
    // The floor and the flow alternate, so both see the same machine.
    const empty = await measure(flows.empty);
    const big = await measure(flows.big);
    const dagre = await measure(flows.dagre);
    return { empty, big, dagre, chunks: await chunkSizes(b.assets) };
  });

  const row = (label: string, r: { open: number; p50: number; p95: number }) =>
    console.log(`  ${label.padEnd(34)}${fmt(r.open, 0).padStart(8)}${fmt(r.p50).padStart(10)}${fmt(r.p95).padStart(10)}`);
  console.log(`  ${"".padEnd(34)}${"open ms".padStart(8)}${"frame p50".padStart(10)}${"p95 ms".padStart(10)}`);
  row(`${NODES} nodes, positions in _ui`, rows.big);
  row(`${NODES} nodes, laid out by dagre`, rows.dagre);
  row("floor: empty flow", rows.empty);
  console.log("  bundle (gzip kB): " + rows.chunks
    .filter((c) => /^(index|editor-page|codemirror|registry|simulator-panel)\./.test(c.name))
    .sort((a, b) => b.gz - a.gz)
    .map((c) => `${c.name} ${fmt(c.gz / 1024)}`)
    .join(", ") + " (editor-page: the canvas route; codemirror and registry load with the first side panel)");
}
