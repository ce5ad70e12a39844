// Urgent arrivals: a short beep made with the Web Audio API (no sound file) and, when the
// listener allowed it, a browser notification that names the signal, never the teen's words.
import { s } from "./common.js";

let audio = null;

// Browsers let a page make sound only after a gesture: the first click or key unlocks it.
function unlock() {
  if (!audio && window.AudioContext) audio = new AudioContext();
  if (audio?.state === "suspended") audio.resume();
}
window.addEventListener("pointerdown", unlock, { once: true });
window.addEventListener("keydown", unlock, { once: true });

export function beep() {
  if (!audio) return;
  const now = audio.currentTime;
  for (const [start, frequency] of [[0, 880], [0.22, 660]]) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, now + start);
    gain.gain.exponentialRampToValueAtTime(0.25, now + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + start + 0.18);
    tone.connect(gain).connect(audio.destination);
    tone.start(now + start);
    tone.stop(now + start + 0.2);
  }
}

export function notify(body) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible" && document.hasFocus()) return;
  const note = new Notification(s("alerts.title"), { body, tag: "relais-urgent" });
  note.addEventListener("click", () => {
    window.focus();
    note.close();
  });
}

export function setupAlertsButton(button) {
  if (!button) return;
  const show = () => {
    const permission = "Notification" in window ? Notification.permission : "denied";
    button.textContent = s(
      permission === "granted" ? "alerts.enabled" : permission === "denied" ? "alerts.denied" : "alerts.enable",
    );
    button.disabled = permission !== "default";
    button.setAttribute("aria-pressed", String(permission === "granted"));
  };
  button.addEventListener("click", async () => {
    unlock();
    if ("Notification" in window && Notification.permission === "default") {
      await Notification.requestPermission();
    }
    show();
    beep();
  });
  show();
}
