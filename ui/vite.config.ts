import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The console is built to ui/dist, which wrangler serves as the Worker's static assets.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
