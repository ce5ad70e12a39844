// Sign-in: the form posts JSON (a page on another site cannot), then opens the console.
import { ApiError, api, s } from "./common.js";

const form = document.getElementById("login-form");
const error = document.getElementById("login-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await api("POST", "/login", {
      username: form.username.value.trim(),
      password: form.password.value,
    });
    window.location.assign("/console");
  } catch (failure) {
    const status = failure instanceof ApiError ? failure.status : 0;
    error.textContent = s(
      status === 401 ? "login.wrong" : status === 429 ? "login.too_many" : "login.failed",
    );
    error.hidden = false;
    form.password.value = "";
    form.password.focus();
  } finally {
    button.disabled = false;
  }
});
