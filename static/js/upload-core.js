// The uploader's pure logic: no DOM, no network. Tested with Node's test runner.

export const MB = 1024 * 1024;
export const DEFAULT_MAX_BYTES = 50 * MB;

/** Split `size` bytes into parts of `partSize`: [{number, start, end, size}], numbered from 1. */
export function planParts(size, partSize) {
  if (!(size > 0) || !(partSize > 0)) throw new RangeError("size and partSize must be positive");
  const parts = [];
  for (let start = 0, number = 1; start < size; start += partSize, number += 1) {
    const end = Math.min(start + partSize, size);
    parts.push({ number, start, end, size: end - start });
  }
  return parts;
}

/**
 * Delay before retry `attempt` (0 = first retry): exponential backoff with full jitter,
 * so many browsers retrying after one outage do not all come back at the same instant.
 */
export function retryDelay(attempt, { base = 500, cap = 15000, random = Math.random } = {}) {
  const ceiling = Math.min(cap, base * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** True when storage refused a part because its signed URL has expired (S3 and ours say so). */
export function isExpired(status, body) {
  return status === 403 && /expired/i.test(body || "");
}

/** Failures worth retrying: the network, timeouts, throttling and server errors. */
export function isRetryable(status) {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

const NAMES = [
  [[0x25, 0x50, 0x44, 0x46], "a PDF"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF"],
  [[0x49, 0x49, 0x2a, 0x00], "a TIFF"],
  [[0x4d, 0x4d, 0x00, 0x2a], "a TIFF"],
  [[0x50, 0x4b, 0x03, 0x04], "a ZIP or Office file"],
  [[0xd0, 0xcf, 0x11, 0xe0], "an Office document"],
];
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx"]);

function startsWith(bytes, signature, offset = 0) {
  return signature.every((value, i) => bytes[offset + i] === value);
}

function ftypBrands(bytes) {
  const ascii = (from, to) => String.fromCharCode(...bytes.slice(from, to));
  if (bytes.length < 16 || ascii(4, 8) !== "ftyp") return [];
  const boxSize = (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
  const end = Math.min(boxSize >= 16 ? boxSize : bytes.length, bytes.length);
  const brands = [ascii(8, 12)];
  for (let i = 16; i + 4 <= end; i += 4) brands.push(ascii(i, i + 4));
  return brands;
}

/**
 * What a file is, from its first bytes (the same rule as the server's detect.py):
 * {kind: "jpeg" | "png" | "heic" | null, name: a human description when refused}.
 */
export function sniff(bytes) {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: "jpeg" };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: "png" };
  const brands = ftypBrands(bytes);
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return { kind: "heic" };
  if (brands.includes("avif") || brands.includes("avis")) return { kind: null, name: "an AVIF image" };
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return { kind: null, name: "a WebP image" };
  }
  for (const [signature, name] of NAMES) if (startsWith(bytes, signature)) return { kind: null, name };
  const text = String.fromCharCode(...bytes.slice(0, 256));
  if (/<svg|<\?xml/i.test(text)) return { kind: null, name: "an SVG drawing" };
  return { kind: null, name: null };
}

/** Null when the file may be uploaded, else a plain sentence saying what is wrong. */
export function checkFile(file, firstBytes, maxBytes = DEFAULT_MAX_BYTES) {
  if (file.size === 0) return "This file is empty. Please choose the photo again.";
  const { kind, name } = sniff(firstBytes);
  if (!kind) {
    return name
      ? `This is ${name}. Please choose a JPEG, PNG or HEIC photo.`
      : "This file isn't a photo we can use. Please choose a JPEG, PNG or HEIC photo.";
  }
  if (file.size > maxBytes) {
    return `This photo is ${formatBytes(file.size)}; the largest we accept is ${formatBytes(maxBytes)}. ` +
      "Please choose a smaller version.";
  }
  return null;
}

/** What identifies "the same file" when it is chosen again after a reload. */
export function fingerprint(file, campaignId, placement) {
  return ["upload", campaignId, placement, file.name, file.size, file.lastModified].join(":");
}

/**
 * Upload progress that a person can trust: per-part bytes, never backwards (a retried
 * part restarts from zero but the total shown does not), never above 100%, with a speed
 * over the last few seconds and the time left.
 */
export class Progress {
  constructor(total, { window = 5000 } = {}) {
    this.total = total;
    this.window = window;
    this.parts = new Map();
    this.shown = 0;
    this.samples = [];
  }

  /** Bytes of part `number` (of `size` bytes) confirmed so far in its current attempt. */
  update(number, loaded, size, now = Date.now()) {
    this.parts.set(number, Math.max(0, Math.min(loaded, size)));
    return this.sample(now);
  }

  /** Part `number` is stored: all of its bytes count from now on. */
  done(number, size, now = Date.now()) {
    this.parts.set(number, size);
    return this.sample(now);
  }

  sample(now) {
    let sum = 0;
    for (const bytes of this.parts.values()) sum += bytes;
    this.shown = Math.max(this.shown, Math.min(sum, this.total));
    this.samples.push([now, this.shown]);
    while (this.samples.length > 2 && now - this.samples[0][0] > this.window) this.samples.shift();
    return this.shown;
  }

  get fraction() {
    return this.total ? this.shown / this.total : 1;
  }

  get percent() {
    return Math.floor(this.fraction * 100);
  }

  /** Bytes per second over the recent window (0 until two samples exist). */
  speed() {
    if (this.samples.length < 2) return 0;
    const [t0, b0] = this.samples[0];
    const [t1, b1] = this.samples[this.samples.length - 1];
    return t1 > t0 ? ((b1 - b0) * 1000) / (t1 - t0) : 0;
  }

  /** Seconds left at the current speed, or null when there is no speed to go by. */
  secondsLeft() {
    const speed = this.speed();
    return speed > 0 ? (this.total - this.shown) / speed : null;
  }
}

/** "3.4 MB", "820 KB": decimal units, as phones and operating systems show file sizes. */
export function formatBytes(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${bytes} bytes`;
}

/** "about 5 s", "about 2 min": rounded, because the estimate is only that. */
export function formatSeconds(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return "";
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s`;
  return `about ${Math.round(seconds / 60)} min`;
}
