// Unit tests of the uploader's pure logic: `node --test static/js/tests/` (make test runs them).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  MB, Progress, checkFile, fingerprint, formatBytes, formatSeconds, isExpired, isRetryable,
  planParts, retryDelay, sniff,
} from "../upload-core.js";

const bytes = (...values) => Uint8Array.from(values);
const ascii = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));

test("a 20 MB file is planned as four parts of 5 MiB, the last one shorter", () => {
  const size = 20_000_000;
  const parts = planParts(size, 5 * MB);
  assert.deepEqual(parts.map((p) => p.number), [1, 2, 3, 4]);
  assert.deepEqual(parts.slice(0, 3).map((p) => p.size), [5 * MB, 5 * MB, 5 * MB]);
  assert.equal(parts[3].size, size - 15 * MB);
  assert.equal(parts.reduce((sum, p) => sum + p.size, 0), size);
  for (let i = 1; i < parts.length; i += 1) assert.equal(parts[i].start, parts[i - 1].end);
});

test("an exact multiple of the part size has no empty last part", () => {
  assert.deepEqual(planParts(10 * MB, 5 * MB).map((p) => p.size), [5 * MB, 5 * MB]);
  assert.deepEqual(planParts(1, 5 * MB), [{ number: 1, start: 0, end: 1, size: 1 }]);
  assert.throws(() => planParts(0, 5 * MB), RangeError);
});

test("retry delays grow exponentially, stay within the cap and are jittered", () => {
  const low = (attempt) => retryDelay(attempt, { random: () => 0 });
  const high = (attempt) => retryDelay(attempt, { random: () => 1 });
  assert.deepEqual([0, 1, 2, 3].map(high), [500, 1000, 2000, 4000]);
  assert.deepEqual([0, 1, 2, 3].map(low), [250, 500, 1000, 2000]);
  assert.equal(high(20), 15000);
  assert.equal(low(20), 7500);
  const seen = new Set(Array.from({ length: 20 }, () => retryDelay(3)));
  assert.ok(seen.size > 1, "two browsers should not retry at the same instant");
});

test("expired signatures are told apart from other refusals", () => {
  const s3 = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
  assert.ok(isExpired(403, s3));
  assert.ok(isExpired(403, '{"code": "AccessDenied", "error": "Request has expired"}'));
  assert.ok(!isExpired(403, "<Code>SignatureDoesNotMatch</Code>"));
  assert.ok(!isExpired(500, "expired"));
  assert.ok(isRetryable(0) && isRetryable(503) && isRetryable(429) && !isRetryable(413));
});

test("types are judged by their first bytes, not by name or browser type", () => {
  assert.equal(sniff(bytes(0xff, 0xd8, 0xff, 0xe1)).kind, "jpeg");
  assert.equal(sniff(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)).kind, "png");
  const heic = Uint8Array.from([0, 0, 0, 24, ...ascii("ftypmif1"), 0, 0, 0, 0, ...ascii("mif1heic")]);
  assert.equal(sniff(heic).kind, "heic");
  const avif = Uint8Array.from([0, 0, 0, 24, ...ascii("ftypavif"), 0, 0, 0, 0, ...ascii("avifmif1")]);
  assert.deepEqual(sniff(avif), { kind: null, name: "an AVIF image" });
  assert.equal(sniff(ascii("%PDF-1.7")).name, "a PDF");
  assert.equal(sniff(ascii('<?xml version="1.0"?><svg>')).name, "an SVG drawing");
});

test("checkFile says in plain words what is wrong", () => {
  const jpeg = bytes(0xff, 0xd8, 0xff, 0xe0);
  assert.equal(checkFile({ size: 1000 }, jpeg), null);
  assert.equal(checkFile({ size: 1000 }, ascii("%PDF-1.4")),
    "This is a PDF. Please choose a JPEG, PNG or HEIC photo.");
  assert.match(checkFile({ size: 60_000_000 }, jpeg), /60\.0 MB; the largest we accept is 52\.4 MB/);
  assert.match(checkFile({ size: 0 }, jpeg), /empty/);
});

test("the fingerprint names the same file chosen again, for the same spot", () => {
  const file = { name: "IMG_0001.HEIC", size: 123, lastModified: 42 };
  assert.equal(fingerprint(file, 7, "hero"), fingerprint({ ...file }, 7, "hero"));
  assert.notEqual(fingerprint(file, 7, "hero"), fingerprint({ ...file, lastModified: 43 }, 7, "hero"));
  assert.notEqual(fingerprint(file, 7, "hero"), fingerprint(file, 7, "gallery"));
});

test("progress never goes backwards when a part restarts, and never passes 100%", () => {
  const progress = new Progress(10 * MB);
  progress.update(1, 4 * MB, 5 * MB, 0);
  progress.update(2, 3 * MB, 5 * MB, 100);
  assert.equal(progress.shown, 7 * MB);
  progress.update(2, 0, 5 * MB, 200); // part 2 failed and starts again
  assert.equal(progress.shown, 7 * MB);
  progress.update(2, 9 * MB, 5 * MB, 300); // a browser over-reporting one part
  assert.ok(progress.shown <= 10 * MB);
  progress.done(1, 5 * MB, 400);
  progress.done(2, 5 * MB, 500);
  progress.done(2, 5 * MB, 600); // counted once, even when told twice
  assert.equal(progress.percent, 100);
  assert.equal(progress.shown, 10 * MB);
});

test("speed and time left come from the last few seconds", () => {
  const progress = new Progress(100 * MB, { window: 5000 });
  progress.update(1, 0, 100 * MB, 0);
  progress.update(1, 10 * MB, 100 * MB, 1000);
  progress.update(1, 20 * MB, 100 * MB, 2000);
  assert.equal(progress.speed(), 10 * MB);
  assert.equal(progress.secondsLeft(), 8);
  assert.equal(new Progress(5).secondsLeft(), null);
});

test("sizes and durations read the way people say them", () => {
  assert.equal(formatBytes(3_400_000), "3.4 MB");
  assert.equal(formatBytes(820_000), "820 KB");
  assert.equal(formatSeconds(4.4), "about 4 s");
  assert.equal(formatSeconds(150), "about 3 min");
  assert.equal(formatSeconds(null), "");
});
