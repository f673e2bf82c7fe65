// Resumable video upload (docs/decisions/009-resumable-uploads.md). Enhances the plain upload
// form (components/video-upload.tsx), which works without this script: the file goes in parts
// with a progress bar, and after a dropped connection the upload asks the server how much
// arrived and goes on from there, also after the page is reloaded (localStorage remembers it).
const form = document.querySelector("form[data-video-upload]");
const input = form?.querySelector('input[type="file"]');

if (form && input && window.XMLHttpRequest && window.Blob?.prototype.slice) {
  const box = form.querySelector("[data-upload-progress]");
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-upload-status]");
  const button = form.querySelector('button[type="submit"]');
  const text = form.dataset;
  const number = new Intl.NumberFormat(document.documentElement.lang || "en", {
    maximumFractionDigits: 1,
  });
  const megabytes = (bytes) => `${number.format(bytes / 1024 / 1024)} MB`;
  const say = (message) => {
    box.hidden = false;
    status.textContent = message;
  };
  const wait = (ms) =>
    new Promise((resolve) => {
      const done = () => {
        window.removeEventListener("online", done);
        resolve();
      };
      window.addEventListener("online", done);
      window.setTimeout(done, ms);
    });

  // One request; `onProgress` gets the bytes sent so far. Resolves with the status and JSON.
  const send = (method, url, { body = null, headers = {}, onProgress } = {}) =>
    new Promise((resolve, reject) => {
      const request = new window.XMLHttpRequest();
      request.open(method, url);
      request.setRequestHeader("Accept", "application/json");
      for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
      if (onProgress) request.upload.onprogress = (event) => onProgress(event.loaded);
      request.onload = () => {
        let json = {};
        try {
          json = JSON.parse(request.responseText);
        } catch {
          // not JSON (a sign-in page, a proxy error): the status says enough
        }
        resolve({ status: request.status, json });
      };
      request.onerror = request.ontimeout = () => reject(new Error("network"));
      request.send(body);
    });

  // Where an unfinished upload can be found again; without storage (private browsing) the
  // upload still resumes within the page, only not after a reload.
  const remembered = {
    get: (key) => {
      try {
        return window.localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set: (key, value) => {
      try {
        window.localStorage.setItem(key, value);
      } catch {
        // nothing to keep it in
      }
    },
    forget: (key) => {
      try {
        window.localStorage.removeItem(key);
      } catch {
        // nothing was kept
      }
    },
  };

  // A refusal the candidate must act on (not a video, too large): shown, and the upload ends.
  class Refused extends Error {}
  const refuseOn = ({ status, json }) => {
    if (status >= 400 && status < 500 && status !== 409)
      throw new Refused(json.message || text.textFailed);
  };

  async function upload(file) {
    const key = `civicq-upload:${text.question}:${file.name}:${file.size}:${file.lastModified}`;
    let session = null;
    const earlier = remembered.get(key);
    if (earlier) {
      const answer = await send("GET", earlier);
      if (answer.status === 200) session = answer.json;
      else remembered.forget(key);
      if (session) say(text.textResuming);
    }
    if (!session) {
      const answer = await send("POST", "/uploads/videos", {
        body: new URLSearchParams({ question: text.question, size: String(file.size) }),
      });
      refuseOn(answer);
      if (answer.status !== 201) throw new Error(`status ${answer.status}`);
      session = answer.json;
      remembered.set(key, session.url);
    }
    let failures = 0;
    while (!session.complete) {
      const start = session.offset;
      const end = Math.min(start + session.partBytes, session.size);
      const show = (sent) => {
        bar.value = Math.floor(((start + sent) / session.size) * 100);
        say(
          text.textProgress
            .replace("{percent}", String(bar.value))
            .replace("{sent}", megabytes(start + sent))
            .replace("{total}", megabytes(session.size)),
        );
      };
      show(0);
      try {
        const answer = await send("PATCH", session.url, {
          body: file.slice(start, end),
          headers: {
            "Upload-Offset": String(start),
            "Content-Type": "application/offset+octet-stream",
          },
          onProgress: show,
        });
        refuseOn(answer);
        if (answer.status !== 200 && answer.status !== 409)
          throw new Error(`status ${answer.status}`);
        // 409: the server has another offset (a part counted twice); continue from its count.
        session = { ...session, ...answer.json };
        failures = 0;
      } catch (error) {
        if (error instanceof Refused) {
          remembered.forget(key);
          throw error;
        }
        failures += 1;
        if (failures > 50) throw error;
        const delay = Math.min(30, 2 ** Math.min(failures, 5));
        say(text.textRetrying.replace("{seconds}", String(delay)));
        await wait(delay * 1000);
        const now = await send("GET", session.url).catch(() => null);
        if (now?.status === 200) session = now.json;
      }
    }
    remembered.forget(key);
    say(text.textDone);
    window.location.assign(session.videoUrl);
  }

  form.addEventListener("submit", async (event) => {
    const file = input.files?.[0];
    if (!file) return; // the browser's own "choose a file" message
    event.preventDefault();
    if (file.size > Number(text.maxBytes)) return say(text.textTooLarge);
    button.disabled = input.disabled = true;
    bar.value = 0;
    try {
      await upload(file);
    } catch (error) {
      say(error instanceof Refused ? error.message : text.textFailed);
      button.disabled = input.disabled = false;
    }
  });
}
