/**
 * Location of the shared real-data folder beside the repository, for real-data tests.
 * Tests that read it are ignored (visibly) when the folder is absent.
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of `../shared/realdata` relative to the repository root. */
export const REALDATA: string = fileURLToPath(new URL("../../shared/realdata", import.meta.url));

/** Whether the shared real-data folder is present. */
export const HAS_REALDATA: boolean = existsSync(REALDATA);

/** Absolute path of a file or folder under the real-data folder. */
export function realdata(rel: string): string {
  return `${REALDATA}/${rel}`;
}
