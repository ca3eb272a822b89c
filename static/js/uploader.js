// The ImageUploader: drag-and-drop or pick photos; each goes straight to storage through
// signed URLs, in parts when large, surviving network drops, expired URLs and reloads.
// Pure logic lives in upload-core.js; this file is the DOM and the network.
import {
  DEFAULT_MAX_BYTES, Progress, checkFile, fingerprint, formatBytes, formatSeconds,
  isExpired, isRetryable, planParts, retryDelay,
} from "./upload-core.js";

// Tunable from the page (window.uploaderSettings) for slow networks, or for tests.
const SETTINGS = {
  parallel: 4, // parts in flight at once
  maxAttempts: 6, // per part, for network errors and 5xx
  retryBase: 500, // ms: the first retry waits 250-500 ms, then doubling
  ...(window.uploaderSettings || {}),
};
const MAX_RESIGNS = 5; // per part, for expired URLs
const EXPIRY_MARGIN_MS = 30_000; // re-sign a URL this long before it expires
const backoff = (attempt) => retryDelay(attempt, { base: SETTINGS.retryBase });

const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class UploadFailed extends Error {}
class Cancelled extends Error {}

async function api(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    return { status: 0, data: {} };
  }
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  return { status: response.status, data };
}

/** One file's card: progress drawn as a bar, numbers as one line, buttons to cancel/retry. */
class Card {
  constructor(file) {
    this.element = document.createElement("article");
    this.element.className = "image-card uploading";
    this.element.dataset.state = "uploading";
    this.element.innerHTML = `
      <div class="thumb"><span class="spinner" aria-hidden="true"></span></div>
      <div class="facts">
        <strong></strong>
        <progress max="100" value="0" aria-label="Upload progress"></progress>
        <p class="state-text" role="status">Checking the file…</p>
        <p class="stats muted"></p>
        <div class="actions">
          <button type="button" class="link cancel">Cancel</button>
          <button type="button" class="link retry" hidden>Try again</button>
        </div>
      </div>`;
    this.element.querySelector("strong").textContent = file.name;
    this.bar = this.element.querySelector("progress");
    this.text = this.element.querySelector(".state-text");
    this.stats = this.element.querySelector(".stats");
    this.cancelButton = this.element.querySelector(".cancel");
    this.retryButton = this.element.querySelector(".retry");
    if (/^image\/(jpeg|png)$/.test(file.type)) {
      const img = document.createElement("img");
      img.alt = "";
      img.src = URL.createObjectURL(file);
      img.onload = () => URL.revokeObjectURL(img.src);
      img.onerror = () => img.remove(); // not a picture after all: no broken-image icon
      this.element.querySelector(".thumb").replaceChildren(img);
    }
  }

  say(text, state) {
    this.text.textContent = text;
    if (state) this.element.dataset.state = state;
  }

  show(progress) {
    this.bar.value = progress.percent;
    const parts = [`${progress.percent}%`, `${formatBytes(progress.shown)} of ${formatBytes(progress.total)}`];
    const speed = progress.speed();
    if (speed > 0 && progress.shown < progress.total) {
      parts.push(`${formatBytes(speed)}/s`, `${formatSeconds(progress.secondsLeft())} left`);
    }
    this.stats.textContent = parts.join(" · ");
  }

  /** Show why it failed; `started` says whether anything reached the server. */
  fail(message, started) {
    this.element.classList.add("state-failed");
    this.say(message, "failed");
    this.bar.hidden = !started;
    this.cancelButton.textContent = started ? "Cancel" : "Dismiss";
  }
}

/** One file on its way to storage. */
class FileUpload {
  constructor(file, { campaignId, placement, cards, replace, maxBytes }) {
    Object.assign(this, { file, campaignId, placement, cards, replace, maxBytes });
    this.key = fingerprint(file, campaignId, placement);
    this.card = new Card(file);
    this.requests = new Set();
    this.signed = new Map();
    this.cancelled = false;
    this.card.cancelButton.addEventListener("click", () => this.cancel());
    this.card.retryButton.addEventListener("click", () => this.start());
  }

  place(element) {
    if (this.replace) this.cards.replaceChildren(element);
    else this.cards.append(element);
  }

  async start() {
    this.card.retryButton.hidden = true;
    this.card.cancelButton.hidden = false;
    this.card.element.classList.remove("state-failed");
    try {
      await this.run();
    } catch (error) {
      if (error instanceof Cancelled) return;
      this.card.fail(error instanceof UploadFailed ? error.message
        : "Something went wrong with this upload. Please try again.", Boolean(this.upload));
      this.card.retryButton.hidden = !this.upload; // retrying resumes where it stopped
      if (!(error instanceof UploadFailed)) console.error(error);
    }
  }

  async run() {
    if (!this.card.element.isConnected) this.place(this.card.element);
    const head = new Uint8Array(await this.file.slice(0, 256).arrayBuffer());
    const problem = checkFile(this.file, head, this.maxBytes);
    if (problem) throw new UploadFailed(problem);

    const stored = await this.resumeOrBegin();
    const parts = planParts(this.file.size, this.upload.part_size);
    this.progress = new Progress(this.file.size);
    for (const part of parts) if (stored.has(part.number)) this.progress.done(part.number, part.size);
    this.card.show(this.progress);
    this.card.say(stored.size ? "Continuing where the upload stopped…" : "Uploading…", "uploading");

    const waiting = parts.filter((part) => !stored.has(part.number));
    const lane = async () => {
      while (waiting.length) await this.sendPart(waiting.shift(), waiting);
    };
    await Promise.all(Array.from({ length: Math.min(SETTINGS.parallel, waiting.length) }, lane));
    await this.complete();
  }

  /** Find this file's unfinished upload on the server, or start a new one. */
  async resumeOrBegin() {
    const saved = JSON.parse(localStorage.getItem(this.key) || "null");
    if (saved) {
      const { status, data } = await api("GET", saved.parts);
      if (status === 200 && data.state === "open" && data.size === this.file.size) {
        this.upload = data;
        document.getElementById(`image-${data.image_id}`)?.remove(); // the server's "unfinished" card
        return new Set(data.parts.map((part) => part.number));
      }
      localStorage.removeItem(this.key); // finished, cancelled or cleaned up: start afresh
    }
    if (this.upload) return new Set();
    const { status, data } = await api("POST", "/api/uploads", {
      campaign_id: Number(this.campaignId), placement: this.placement,
      filename: this.file.name, size: this.file.size, content_type: this.file.type,
    });
    if (status !== 201) throw new UploadFailed(data.error || this.offlineMessage(status));
    this.upload = data;
    for (const part of data.parts) this.signed.set(part.number, part);
    localStorage.setItem(this.key, JSON.stringify({ parts: data.urls.parts }));
    return new Set();
  }

  offlineMessage(status) {
    return status === 0 ? "We couldn't reach the server. Check your connection and try again."
      : `The server answered ${status}. Please try again.`;
  }

  /** A signed request for `number` that will not expire mid-flight; fetches a few at once. */
  async signedFor(number, upcoming) {
    const cached = this.signed.get(number);
    if (cached && cached.expires_at * 1000 - Date.now() > EXPIRY_MARGIN_MS) return cached;
    const batch = [number, ...upcoming.slice(0, 3).map((part) => part.number)
      .filter((n) => !this.signed.has(n))];
    for (;;) {
      await this.online();
      const { status, data } = await api("POST", this.upload.urls.parts, { parts: batch });
      if (status === 200) {
        for (const part of data.parts) this.signed.set(part.number, part);
        return this.signed.get(number);
      }
      if (status !== 0 && !isRetryable(status)) throw new UploadFailed(data.error || this.offlineMessage(status));
      await sleep(backoff(1));
    }
  }

  async sendPart(part, upcoming) {
    let attempts = 0;
    let resigns = 0;
    for (;;) {
      if (this.cancelled) throw new Cancelled();
      await this.online();
      const signed = await this.signedFor(part.number, upcoming);
      const { status, body } = await this.put(signed, part);
      if (this.cancelled) throw new Cancelled();
      if (status >= 200 && status < 300) {
        this.progress.done(part.number, part.size);
        this.card.show(this.progress);
        return;
      }
      this.progress.update(part.number, 0, part.size); // this attempt's bytes no longer count
      if (isExpired(status, body) && resigns < MAX_RESIGNS) {
        resigns += 1;
        this.signed.delete(part.number);
        continue;
      }
      if (status === 0 && !navigator.onLine) continue; // wait for the connection, no attempt used
      if (isRetryable(status) && attempts < SETTINGS.maxAttempts) {
        const delay = backoff(attempts);
        attempts += 1;
        this.card.say(`Connection trouble; trying part ${part.number} again in ${Math.ceil(delay / 1000)} s…`);
        await sleep(delay);
        this.card.say("Uploading…");
        continue;
      }
      throw new UploadFailed(status === 0
        ? "The connection keeps dropping. Your upload is saved: press “Try again” to continue."
        : `Storage refused part ${part.number} (${status}). Press “Try again” to continue.`);
    }
  }

  put(signed, part) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest(); // XHR, not fetch: only XHR reports upload progress
      this.requests.add(xhr);
      xhr.open(signed.method, signed.url);
      for (const [name, value] of Object.entries(signed.headers || {})) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        this.progress.update(part.number, event.loaded, part.size);
        this.card.show(this.progress);
      };
      const finish = (status) => {
        this.requests.delete(xhr);
        resolve({ status, body: status ? xhr.responseText : "" });
      };
      xhr.onload = () => finish(xhr.status);
      xhr.onerror = xhr.ontimeout = xhr.onabort = () => finish(0);
      xhr.send(this.file.slice(part.start, part.end));
    });
  }

  /** Resolve at once when online; otherwise pause, say so, and resolve when back online. */
  online() {
    if (navigator.onLine) return Promise.resolve();
    this.card.say("You're offline. The upload will continue when the connection is back.", "paused");
    return new Promise((resolve) => {
      window.addEventListener("online", () => {
        this.card.say("Back online. Continuing…", "uploading");
        resolve();
      }, { once: true });
    });
  }

  async complete() {
    this.card.say("Uploaded. Checking the file…");
    for (let attempt = 0; ; attempt += 1) {
      await this.online();
      const { status, data } = await api("POST", this.upload.urls.complete);
      if (status === 202) break;
      if (status === 409 && data.code === "incomplete" && attempt < 2) {
        await this.run(); // storage lost a part: send what is missing, then complete again
        return;
      }
      if ((status === 0 || isRetryable(status)) && attempt < SETTINGS.maxAttempts) {
        await sleep(backoff(attempt));
        continue;
      }
      if (status !== 0 && status < 500) localStorage.removeItem(this.key);
      throw new UploadFailed(data.error || this.offlineMessage(status));
    }
    localStorage.removeItem(this.key);
    this.card.cancelButton.hidden = true;
    // The server's card takes over: it polls while the worker processes the photo.
    window.htmx.ajax("GET", this.upload.urls.card, { target: this.card.element, swap: "outerHTML" });
  }

  async cancel() {
    if (!this.upload) {
      this.card.element.remove(); // refused before anything was sent: just dismiss
      return;
    }
    this.cancelled = true;
    for (const xhr of this.requests) xhr.abort();
    localStorage.removeItem(this.key);
    this.card.cancelButton.hidden = true;
    this.card.say("Cancelling…", "cancelling");
    const { status, data } = await api("DELETE", this.upload.urls.cancel);
    if (status !== 204 && status !== 404) {
      this.card.fail(data.error || "We couldn't cancel this upload. Please reload the page.", true);
      return;
    }
    this.card.say("Cancelled. Nothing was kept.", "cancelled");
    setTimeout(() => this.card.element.remove(), 4000);
  }
}

/** Wire one drop zone (a section with a file input) to the uploader. */
function attach(zone) {
  const input = zone.querySelector("input[type=file]");
  const options = () => ({
    campaignId: input.dataset.campaignId,
    placement: input.dataset.uploadPlacement,
    cards: document.querySelector(input.dataset.cards),
    replace: "replace" in input.dataset,
    maxBytes: Number(input.dataset.maxBytes) || DEFAULT_MAX_BYTES,
  });
  const upload = (files) => {
    const chosen = [...files];
    const list = "replace" in input.dataset ? chosen.slice(-1) : chosen; // one hero at a time
    for (const file of list) new FileUpload(file, options()).start();
  };
  input.addEventListener("change", () => {
    upload(input.files);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    upload(event.dataTransfer.files);
  });
}

document.querySelectorAll("[data-dropzone]").forEach(attach);
