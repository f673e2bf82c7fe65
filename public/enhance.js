// Optional extras; every form works without them (components/live-updates.tsx).
const show = (id, n) =>
  document.querySelectorAll(`[data-vote-count="${id}"]`).forEach((e) => (e.textContent = n));

const contest = document.querySelector("[data-live-contest]")?.dataset.liveContest;
if (contest && window.EventSource)
  new EventSource(`/events/contests/${contest}`).addEventListener("count", (event) => {
    const { questionId, count } = JSON.parse(event.data);
    show(questionId, count);
  });

// A vote form becomes its opposite; its count moves by `delta`.
function flip(form, delta) {
  const label = form.querySelector("[data-vote-label]");
  show(form.dataset.voteForm, +form.querySelector("[data-vote-count]").textContent + delta);
  form.elements.intent.value = delta > 0 ? "unvote" : "vote";
  form.toggleAttribute("data-voted", delta > 0);
  [label.textContent, form.dataset.toggleLabel] = [form.dataset.toggleLabel, label.textContent];
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches("[data-vote-form]")) return;
  event.preventDefault();
  if (form.dataset.busy) return;
  form.dataset.busy = "1";
  const body = new URLSearchParams(new FormData(form));
  const delta = body.get("intent") === "vote" ? 1 : -1;
  flip(form, delta);
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      redirect: "manual",
    });
    if (!response.ok) throw Error();
    show(form.dataset.voteForm, (await response.json()).count);
    delete form.dataset.busy;
  } catch {
    flip(form, -delta);
    form.submit(); // then the server says why: sign-in, a notice, an error
  }
});

const text = document.querySelector("textarea[maxlength]");
const counter = document.querySelector("[data-char-counter]");
if (text && counter) {
  const count = () => (counter.textContent = `${text.value.length}/${text.maxLength}`);
  counter.hidden = false;
  count();
  text.addEventListener("input", count);
}

// Tells the server, once per viewing, that a video answer was watched to 90 %
// (app/services/video-stats.server.ts). Nothing about the viewer is sent.
document.querySelectorAll("video[data-stats-url]").forEach((video) => {
  let sent = false;
  const reached = () => video.duration && video.currentTime >= 0.9 * video.duration;
  // playing again from before the 90 % mark is another viewing
  video.addEventListener("play", () => (sent = sent && reached()));
  video.addEventListener("timeupdate", () => {
    if (sent || !reached()) return;
    sent = true;
    navigator.sendBeacon(video.dataset.statsUrl, new URLSearchParams({ event: "complete" }));
  });
});
