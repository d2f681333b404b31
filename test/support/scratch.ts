// Vitest setup file: what the tools made for a test file's functions goes with the file.
import { afterAll } from "vitest";
import { removeScratch } from "../../tools/scratch.js";

afterAll(removeScratch);
