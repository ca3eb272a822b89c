// Runs sharp on the same job as our core, driven line by line over stdin:
//   "time <file>"   -> prints {"ms": elapsed, "bytes": total output bytes} or {"error": ...}
//   "peak <file>"   -> runs once, prints {"peak_mb": max RSS growth over the idle baseline}
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import sharp from "sharp";

sharp.cache(false); // no libvips operation cache: every run decodes from scratch
const WIDTHS = [2048, 800, 200];

async function job(path) {
  const input = readFileSync(path);
  const base = sharp(input, { failOn: "error" }).rotate(); // EXIF orientation; ICC -> sRGB by default
  const outputs = await Promise.all(WIDTHS.flatMap((width) => [
    base.clone().resize({ width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer(),
    base.clone().resize({ width, withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 82, progressive: true, optimiseCoding: true }).toBuffer(),
  ]));
  return outputs.reduce((sum, buffer) => sum + buffer.length, 0);
}

// VmHWM, not resourceUsage().maxRSS: on Linux a child's maxRSS starts at its parent's
// (here: the benchmark's Python process), while VmHWM belongs to this process alone.
const highWaterMb = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
const baseline = highWaterMb();
for await (const line of createInterface({ input: process.stdin })) {
  const [command, path] = [line.slice(0, 4), line.slice(5)];
  try {
    const started = process.hrtime.bigint();
    const bytes = await job(path);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (command === "peak") {
      console.log(JSON.stringify({ peak_mb: highWaterMb() - baseline }));
    } else {
      console.log(JSON.stringify({ ms, bytes }));
    }
  } catch (error) {
    console.log(JSON.stringify({ error: String(error.message || error).split("\n")[0] }));
  }
}
