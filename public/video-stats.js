// Optional: tells the server, once per viewing, that a video answer was watched to 90 %
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
