// Cargo's build folder: ./target, or CARGO_TARGET_DIR (`npm test` shares one across clones).
import { join, resolve } from "node:path";

/** The folder Cargo builds into for the crate at `root`. */
export const cargoTargetDir = (root) => (process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, "target"));
