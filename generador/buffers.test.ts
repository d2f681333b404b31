// Run at image build time (npm test), on the compiled module with Node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BufferPool } from "./buffers.js";

test("takes back buffers and hands them out again, the smallest that fits and at most twice the size asked", () => {
  const pool = new BufferPool(1000, 10_000);
  const [small, large] = [pool.take(100), pool.take(400)];
  assert.equal(small.length, 100);
  pool.give(large);
  pool.give(small);
  assert.equal(pool.freeBytes, 500);
  assert.equal(pool.take(90), small);
  assert.notEqual(pool.take(150), large, "400 bytes is more than twice 150");
  assert.equal(pool.take(300), large);
  assert.equal(pool.freeBytes, 0);
  const fresh = pool.take(100);
  assert.ok(fresh !== small && fresh !== large, "with none free, a new one");
});

test("of buffers alike, hands out the one given back last", () => {
  const pool = new BufferPool(1000, 10_000);
  const [a, b, c] = [pool.take(100), pool.take(100), pool.take(100)];
  pool.give(a);
  pool.give(b);
  pool.give(c);
  assert.equal(pool.take(100), c);
  assert.equal(pool.take(100), b);
  pool.give(c);
  assert.equal(pool.take(100), c);
  assert.equal(pool.take(100), a);
});

test("keeps no buffer over maxBuffer, and no more than maxTotal bytes in all", () => {
  const pool = new BufferPool(1000, 1500);
  pool.give(Buffer.alloc(1001));
  assert.equal(pool.freeBytes, 0);
  pool.give(Buffer.alloc(1000));
  pool.give(Buffer.alloc(600));
  assert.equal(pool.freeBytes, 1000);
  pool.give(Buffer.alloc(500));
  assert.equal(pool.freeBytes, 1500);
});
