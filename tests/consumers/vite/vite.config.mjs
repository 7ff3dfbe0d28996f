import { defineConfig } from "vite";

// The package's web entry uses top-level await, which es2022 targets have.
export default defineConfig({ base: "./", build: { target: "es2022", outDir: "dist", emptyOutDir: true }, logLevel: "warn" });
