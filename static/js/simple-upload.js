// Direct-to-storage upload with a single signed PUT (the resumable uploader replaces this
// for large files). Bytes go from the browser to storage, never through the web app.
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

async function api(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify(body ?? {}),
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `The server answered ${response.status}.`);
  return data;
}

function put(upload, file, onProgress) {
  // XMLHttpRequest, not fetch: only XHR reports upload progress.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new Error(
      xhr.status === 403 ? "The upload link expired. Please choose the photo again." :
      `Storage refused the upload (${xhr.status}).`)));
    xhr.onerror = () => reject(new Error("The connection dropped. Please try again."));
    xhr.send(file);
  });
}

function progressCard(file) {
  const card = document.createElement("article");
  card.className = "image-card uploading";
  card.innerHTML = `<div class="thumb"><span class="spinner" aria-hidden="true"></span></div>
    <div class="facts"><strong></strong>
      <progress max="100" value="0"></progress>
      <p class="state-text" role="status">Uploading…</p></div>`;
  card.querySelector("strong").textContent = file.name;
  return card;
}

async function uploadOne(input, file) {
  const cards = document.querySelector(input.dataset.cards);
  const card = progressCard(file);
  if ("replace" in input.dataset) cards.replaceChildren(card); else cards.append(card);
  const text = card.querySelector(".state-text");
  const bar = card.querySelector("progress");
  try {
    const started = await api("/api/uploads", {
      campaign_id: Number(input.dataset.campaignId),
      placement: input.dataset.uploadPlacement,
      filename: file.name, size: file.size, content_type: file.type,
    });
    await put(started.upload, file, (fraction) => {
      bar.value = Math.min(100, Math.round(fraction * 100));
      text.textContent = `Uploading… ${bar.value}%`;
    });
    text.textContent = "Uploaded. Checking the file…";
    await api(started.complete_url);
    // Swap in the server's card, which polls itself until processing ends.
    window.htmx.ajax("GET", started.card_url, { target: card, swap: "outerHTML" });
  } catch (error) {
    card.classList.add("state-failed");
    text.textContent = error.message;
  }
}

document.querySelectorAll("input[data-upload-placement]").forEach((input) => {
  input.addEventListener("change", () => {
    for (const file of input.files) uploadOne(input, file);
    input.value = "";
  });
});
