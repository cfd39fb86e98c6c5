// The Mini App: service -> month -> time -> hold with countdown -> name and e-mail -> confirm;
// and "my appointments" with move and cancel. Every call carries Telegram's signed initData;
// every rule lives on the server (the bot's engine). Text is set with textContent only.
"use strict";
(function () {
  const main = document.getElementById("main");
  const alertBox = document.getElementById("alert");
  const titleEl = document.getElementById("title");
  const backBtn = document.getElementById("back");
  const mineBtn = document.getElementById("mine");
  const launch = new URLSearchParams(location.hash.slice(1));
  const tg = window.Telegram && window.Telegram.WebApp;
  let initData = (tg && tg.initData) || launch.get("tgWebAppData") || "";
  let me = null;
  let texts = {};
  let timer = null;
  const flow = { service: null, month: null, day: null, moving: null };

  // Telegram's Mini App bridge without its script (nothing loaded from elsewhere): events out
  // through the webview proxy (phones), window.external (desktop) or postMessage (Telegram Web).
  function postEvent(type, data) {
    const body = JSON.stringify({ eventType: type, eventData: data || {} });
    try {
      if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(type, JSON.stringify(data || {}));
      else if (window.external && "notify" in window.external) window.external.notify(body);
      else if (window.parent !== window) window.parent.postMessage(body, "https://web.telegram.org");
    } catch (e) { /* not inside Telegram */ }
  }

  // ...and events in: a theme switched while the app is open is followed at once.
  function received(type, data) {
    if (type === "theme_changed" && data && data.theme_params) theme(data.theme_params);
  }
  if (!tg) {
    window.Telegram = window.Telegram || {};
    window.Telegram.WebView = window.Telegram.WebView || { receiveEvent: received };
    window.addEventListener("message", (event) => {
      if (event.origin !== "https://web.telegram.org") return;
      try { const m = JSON.parse(event.data); received(m.eventType, m.eventData); } catch (e) { /* not ours */ }
    });
  }

  function theme(given) {
    let params = given || (tg && tg.themeParams);
    if (!params && launch.get("tgWebAppThemeParams")) {
      try { params = JSON.parse(launch.get("tgWebAppThemeParams")); } catch (e) { params = null; }
    }
    if (!params) return;
    const root = document.documentElement;
    root.classList.add("themed");
    for (const [key, value] of Object.entries(params)) {
      if (/^[a-z_]+$/.test(key) && /^#[0-9a-fA-F]{3,8}$/.test(String(value))) {
        root.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    }
  }

  function T(key, values) {
    let text = texts["miniapp." + key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "onclick") node.addEventListener("click", value);
      else if (key === "text") node.textContent = value;
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function button(label, onclick, cls, extra) {
    return el("button", Object.assign({ type: "button", class: cls || "choice", onclick }, extra || {}), label);
  }

  function say(messages) {
    const lines = (messages || []).filter(Boolean);
    alertBox.textContent = lines.join("\n\n");
    alertBox.hidden = lines.length === 0;
  }

  function screen(title, back, ...children) {
    clearInterval(timer);
    titleEl.textContent = title;
    backBtn.hidden = !back;
    backBtn.onclick = back || null;
    main.replaceChildren(...children.filter(Boolean));
    // A new screen: its title takes the focus, so a screen reader reads where we are and Tab
    // goes on from there.
    titleEl.focus({ preventScroll: true });
  }

  async function api(method, path, body) {
    const response = await fetch("api/" + path, {
      method,
      headers: { "Authorization": "tma " + initData, "Content-Type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.status === 401) {
      if (!me) {
        // Not told who we are: Telegram's (unverified) language, only to say so in it.
        let code = navigator.language || "";
        try { code = JSON.parse(new URLSearchParams(initData).get("user")).language_code || code; } catch (e) { /* keep */ }
        try { texts = (await (await fetch("api/texts?language=" + encodeURIComponent(code))).json()).texts; } catch (e) { /* keep */ }
      }
      screen(T("unauthorized"), null, el("p", { text: T("unauthorized_hint") }));
      throw new Error("unauthorized");
    }
    data.status = response.status;
    return data;
  }

  // --- booking ---------------------------------------------------------------------------
  function services() {
    flow.moving = null;
    const list = me.services.map((s) => {
      const detail = T("duration", { minutes: s.minutes }) + (s.price ? " · " + s.price : "");
      const b = button(el("span", { text: s.name }), () => pickService(s), "choice", { "data-service": s.id });
      b.append(el("br"), el("small", { text: detail }));
      return b;
    });
    screen(T("title"), null, el("h2", { text: T("choose_service") }), ...list);
  }

  function pickService(service) {
    flow.service = service;
    flow.month = me.today.slice(0, 7);
    month();
  }

  function shiftMonth(delta) {
    const [y, m] = flow.month.split("-").map(Number);
    const d = new Date(Date.UTC(y, m - 1 + delta, 1));
    flow.month = d.toISOString().slice(0, 7);
    month();
  }

  async function month() {
    const data = await api("GET", "month?service=" + encodeURIComponent(flow.service.id) + "&month=" + flow.month);
    const [y, m] = flow.month.split("-").map(Number);
    const monthName = new Intl.DateTimeFormat(me.language, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 1)));
    const grid = el("div", { class: "month", role: "grid", "aria-label": monthName });
    const weekday = new Intl.DateTimeFormat(me.language, { weekday: "short", timeZone: "UTC" });
    for (let i = 0; i < 7; i++) grid.append(el("div", { class: "wd", "aria-hidden": "true", text: weekday.format(new Date(Date.UTC(2024, 0, 1 + i))) }));
    const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
    for (let i = 0; i < lead; i++) grid.append(el("div"));
    for (const day of data.days) {
      const open = day.state === "open";
      const label = day.title + (day.label ? " — " + day.label : "") + (open ? "" : " (" + T("unavailable") + ")");
      const b = button(el("span", { text: String(Number(day.date.slice(8))) }), open ? () => times(day.date) : null, "day " + day.state, { disabled: !open, "aria-label": label, title: day.label || null, "data-date": day.date });
      if (day.label && (day.state === "holiday" || day.state === "closed")) b.append(el("small", { text: day.label }));
      grid.append(b);
    }
    const first = me.today.slice(0, 7), last = me.last_day.slice(0, 7);
    const nav = el("div", { class: "nav" },
      button("‹", () => shiftMonth(-1), "link", { "aria-label": T("previous_month"), disabled: flow.month <= first }),
      el("h2", { text: monthName }),
      button("›", () => shiftMonth(1), "link", { "aria-label": T("next_month"), disabled: flow.month >= last }));
    const heading = flow.moving ? T("move_title", { service: flow.moving.service }) : flow.service.name;
    screen(heading, flow.moving ? appointments : services, el("h2", { text: T("choose_day") }), nav, grid);
  }

  async function times(day) {
    flow.day = day;
    const data = await api("GET", "times?service=" + encodeURIComponent(flow.service.id) + "&day=" + day);
    const list = el("div", { class: "times" });
    for (const t of data.times) list.append(button(t.label, () => (flow.moving ? askMove(t) : hold(t)), "", { "aria-label": data.title + " " + t.label }));
    screen(data.title, month, el("h2", { text: T("choose_time") }), data.times.length ? list : el("p", { text: T("no_times") }));
  }

  async function hold(time) {
    const data = await api("POST", "hold", { service: flow.service.id, start: time.start });
    say(data.ok ? [] : data.messages);
    if (data.ok) held(data.state); else times(flow.day);
  }

  function held(state) {
    const h = state.hold;
    const deadline = Date.now() + h.seconds_left * 1000;
    const count = el("span", { class: "countdown", role: "timer", "aria-live": "off" });
    const name = el("input", { id: "name", name: "name", autocomplete: "name", required: "" });
    const email = el("input", { id: "email", name: "email", type: "email", autocomplete: "email", inputmode: "email", required: "" });
    name.value = state.name || (me.profile && me.profile.name) || "";
    email.value = state.email || state.typed || (me.profile && me.profile.email) || "";
    const form = el("form", { novalidate: "" },
      el("div", { class: "card" }, el("strong", { text: state.service || "" }), el("br"), el("span", { text: h.label }), el("br"), el("span", { class: "hint", text: T("held_for") + " " }), count),
      el("label", { for: "name", text: T("name") }), name,
      el("label", { for: "email", text: T("email") }), email,
      el("div", { id: "suggest" }),
      el("button", { type: "submit", class: "primary", id: "confirm" }, T("confirm")));
    form.addEventListener("submit", (e) => { e.preventDefault(); confirm(name.value, email.value, ""); });
    screen(T("your_booking"), release, form, button(T("change_time"), release, "link"));
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      count.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) { clearInterval(timer); count.textContent = T("hold_over"); }
    };
    tick();
    timer = setInterval(tick, 1000);
    if (state.suggestion) offerSuggestion(state);
  }

  function offerSuggestion(state) {
    const box = document.getElementById("suggest");
    box.replaceChildren(
      button(state.suggestion, () => confirm("", "", "s"), "choice"),
      state.typed ? button(T("keep_typed", { email: state.typed }), () => confirm("", "", "t"), "choice") : null);
  }

  async function release() {
    clearInterval(timer);
    await api("POST", "release");
    say([]);
    if (flow.day) times(flow.day); else services();
  }

  async function confirm(name, email, choice) {
    const submit = document.getElementById("confirm");
    if (submit) submit.disabled = true;
    try {
      const contact = await api("POST", "contact", { name, email, choice });
      if (!contact.ok) {
        say(contact.messages);
        if (contact.state.hold) { held(contact.state); } else if (flow.day) { times(flow.day); }
        return;
      }
      const done = await api("POST", "confirm");
      if (!done.ok) {
        say(done.messages);
        if (done.state.hold && done.state.step !== "slot") held(done.state); else times(flow.day);
        return;
      }
      say([]);
      booked(done);
    } finally {
      if (submit) submit.disabled = false;
    }
  }

  function booked(done) {
    const d = done.state.done;
    screen(T("booked_title"), null,
      el("div", { class: "card", id: "booked" }, el("strong", { text: T("booked", { when: d.label }) }), el("br"), el("span", { text: T("code", { code: d.code || "—" }) })),
      el("p", { class: "hint", text: T("sent_to_chat") }),
      button(T("my_appointments"), appointments, "primary"),
      button(T("book_another"), services, "link"));
    if (tg && tg.HapticFeedback) tg.HapticFeedback.notificationOccurred("success");
  }

  // --- my appointments -------------------------------------------------------------------
  async function appointments() {
    const data = await api("GET", "appointments");
    const cards = data.appointments.map((a) => el("div", { class: "card" },
      el("strong", { text: a.service }), el("br"), el("span", { text: a.label }), el("br"),
      el("small", { class: "hint", text: T("code", { code: a.code || "—" }) }),
      el("div", { class: "row" },
        button(T("move"), () => startMove(a), "choice", { "aria-label": T("move") + ": " + a.service + ", " + a.label }),
        button(T("cancel"), () => askCancel(a), "choice danger", { "aria-label": T("cancel") + ": " + a.service + ", " + a.label }))));
    screen(T("my_appointments"), services, ...(cards.length ? cards : [el("p", { text: T("none") })]), button(T("book_another"), services, "primary"));
  }

  function startMove(appointment) {
    flow.moving = appointment;
    flow.service = { id: appointment.service_id, name: appointment.service };
    flow.month = me.today.slice(0, 7);
    month();
  }

  function askMove(time) {
    const a = flow.moving;
    screen(T("move_title", { service: a.service }), () => times(flow.day),
      el("p", { text: T("move_sure", { old: a.label, new: flow.day + " " + time.label }) }),
      button(T("move_yes"), async () => {
        const data = await api("POST", "move", { appointment: a.id, start: time.start });
        say(data.messages);
        if (data.ok) { flow.moving = null; appointments(); } else times(flow.day);
      }, "primary"),
      button(T("back"), () => times(flow.day), "link"));
  }

  function askCancel(a) {
    const reason = el("input", { id: "reason", name: "reason", autocomplete: "off" });
    screen(T("cancel_title"), appointments,
      el("p", { text: T("cancel_sure", { service: a.service, when: a.label }) }),
      el("label", { for: "reason", text: T("reason") }), reason,
      button(T("cancel_yes"), async () => {
        const data = await api("POST", "cancel", { appointment: a.id, reason: reason.value });
        say(data.messages);
        appointments();
      }, "primary"),
      button(T("keep"), appointments, "link"));
  }

  async function start() {
    theme();
    if (tg && tg.ready) tg.ready();
    else { postEvent("web_app_ready"); postEvent("web_app_expand"); }
    if (!initData) {
      // Development only: `python -m bot miniapp --sandbox` signs initData for a fake user.
      try {
        const dev = await fetch("dev/init-data");
        if (dev.ok) initData = (await dev.json()).init_data;
      } catch (e) { /* no signer: the API answers 401 below */ }
    }
    try {
      me = await api("GET", "me");
    } catch (e) {
      return;
    }
    texts = me.texts;
    document.documentElement.lang = me.language;
    document.title = T("title");
    mineBtn.textContent = T("my_appointments");
    mineBtn.onclick = appointments;
    backBtn.textContent = "‹ " + T("back");
    backBtn.setAttribute("aria-label", T("back"));
    const state = me.state;
    if (state.hold && ["name", "email", "summary"].includes(state.step) && state.hold.seconds_left > 0) {
      flow.service = me.services.find((s) => s.name === state.service) || me.services[0];
      flow.day = null;
      held(state);
    } else {
      services();
    }
  }

  start();
})();
