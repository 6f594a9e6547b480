// Logging without a connection: the log form keeps an episode on this phone when it cannot
// be sent (offline-queue.js seals and stores it), shows its advice at once from the offline
// evaluator (triage.js), and the diary's pages say what waits, send it when the connection
// returns (on page load and on the "online" event; Background Sync from the service worker),
// and show a mistake or an ended session to the person. Nothing is ever lost or saved twice.
// "Lock now" and "Leave quickly" delete nothing (entries are ciphertext only); logging out,
// after a warning, clears the queue. The answers exist in clear only in this page's memory.
// Every word shown comes from data attributes and <template>s rendered by Django.
(function (queue) {
  "use strict";
  if (!queue || window.HarbourOfflineLog) {
    return;
  }
  window.HarbourOfflineLog = true;
  var SYNC = "harbour-queue";
  var OWNER = "harbour:owner"; // localStorage: the opaque tag of who last signed in here
  var CONTEXT = "harbour:context"; // sessionStorage: what the offline evaluator needs
  // localStorage: the public rule table, its texts in the page's language (one a language).
  var LANGUAGE = document.documentElement.lang || "en";
  var RULES = "harbour:rules:" + LANGUAGE;
  var RULES_PATH = "rules/?language=" + encodeURIComponent(LANGUAGE);
  var entries = queue.entries;
  var drop = queue.drop;
  var getJson = queue.getJson;
  var sendAll = queue.sendAll;
  var channel = queue.channel;

  // The page ------------------------------------------------------------------------------

  function read(area, name) {
    try {
      return JSON.parse(area.getItem(name));
    } catch (error) {
      return null; // storage turned off, or nothing there
    }
  }

  function write(area, name, value) {
    try {
      if (value === null) {
        area.removeItem(name);
      } else {
        area.setItem(name, JSON.stringify(value));
      }
    } catch (error) {
      // Storage turned off or full: the page still works online.
    }
  }

  function words(element, name, count) {
    var one = element.getAttribute("data-" + name + "-one");
    var other = element.getAttribute("data-" + name + "-other");
    return (count === 1 && one ? one : other).replace("{count}", count);
  }

  function paragraph(content, linkText, href) {
    var p = document.createElement("p");
    p.textContent = content;
    if (linkText) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = linkText;
      p.append(" ", a);
    }
    return p;
  }

  // Who is signed in on this page: the tag the page carries, or the last one the server
  // gave, or the last one a signed-in page left on this phone.
  var owner = read(localStorage, OWNER);
  var status = document.querySelector("[data-queue-status]");
  var form = document.querySelector("[data-offline-log]");
  var onLogForm = Boolean(form);

  // What a signed-in page knows, kept for the log form when the connection is gone: the tag
  // and the public key for as long as this phone is used, the person's context only for
  // this tab (sessionStorage), with the times of entries queued since (for the history
  // counts; entries already sent are counted by the server's figures next time).
  async function prime(page) {
    owner = page.owner_tag;
    write(localStorage, OWNER, owner);
    var before = read(sessionStorage, CONTEXT) || {};
    var waiting = (await entries()).map(function (entry) { return entry.client_id; });
    var queued = {};
    Object.keys(before.queued || {}).forEach(function (id) {
      if (waiting.indexOf(id) !== -1) {
        queued[id] = before.queued[id];
      }
    });
    write(sessionStorage, CONTEXT, Object.assign({}, page.context, { owner_tag: owner, queued: queued }));
    var rules = read(localStorage, RULES);
    if (!rules || rules.version !== page.rules_version) {
      write(localStorage, RULES, await getJson(RULES_PATH));
    }
  }

  // The banner on the diary's pages: waiting, to sign in for, to correct, or sent.
  function show(result) {
    // The kept log form may be opened by whoever holds the phone after "Lock now": it
    // counts entries only in a tab where the person was signed in.
    if (!status || (shell && !read(sessionStorage, CONTEXT))) {
      return;
    }
    var mine = (result.left || []).filter(function (entry) { return entry.owner_tag === owner; });
    var fix = result.fix.filter(function (item) { return item.client_id !== fixing; }).length;
    var lines = [];
    if (mine.length && result.signIn) {
      lines.push(paragraph("", words(status, "sign-in", mine.length), status.getAttribute("data-sign-in-url")));
    } else if (fix) {
      lines.push(paragraph(words(status, "fix", fix), status.getAttribute("data-fix-link"), status.getAttribute("data-fix-url")));
    } else if (mine.length) {
      lines.push(paragraph(words(status, "waiting", mine.length)));
      lines.push(paragraph(status.getAttribute("data-waiting-hint")));
    } else if (result.sent.length && !onLogForm) {
      lines.push(paragraph(status.getAttribute("data-sent"), status.getAttribute("data-sent-link"), status.getAttribute("data-sent-url")));
    }
    status.classList.toggle("queue-status--shown", lines.length > 0);
    status.replaceChildren.apply(status, lines);
  }

  // Send when online; otherwise (or when that fails) show what waits.
  async function sync() {
    var result = { sent: [], fix: [], signIn: false, left: [] };
    try {
      if (navigator.onLine) {
        result = await sendAll();
        owner = result.owner || owner;
      } else {
        result.left = await entries();
      }
    } catch (error) {
      result.left = await entries().catch(function () { return []; });
    }
    latest = result;
    show(result);
    return result;
  }
  var latest = null;

  function registerSync() {
    if (navigator.serviceWorker) {
      navigator.serviceWorker.getRegistration().then(function (registration) {
        return registration && registration.sync && registration.sync.register(SYNC);
      }).catch(function () {});
    }
  }

  // The person's context leaves with them: "Lock now", "Leave quickly" (a tap or Esc three
  // times: quick-exit.js hides the page before it goes) and logging out.
  function forgetContext() {
    write(sessionStorage, CONTEXT, null);
  }
  document.addEventListener("submit", function (event) {
    if (event.target.matches("[data-lock-form]")) {
      forgetContext();
    }
  });
  document.querySelectorAll("[data-quick-exit]").forEach(function (link) {
    link.addEventListener("click", forgetContext);
  });
  window.addEventListener("pagehide", function () {
    if (document.body.hidden) {
      forgetContext();
    }
  });

  var shownId = null; // the entry whose answer the log form shows
  window.addEventListener("online", function () {
    sync().then(function (result) {
      var mine = function (item) { return item.client_id === shownId; };
      var sent = result.sent.filter(mine)[0];
      var fix = result.fix.filter(mine)[0];
      if (sent && !fixing) {
        markSent(sent);
      } else if (fix && !fixing) {
        startFixing(fix); // the answer on screen needs a change: the form, with its mistakes
      }
    });
  });
  // Another page, or the service worker's Background Sync, sent entries.
  if (channel) {
    channel.onmessage = function (event) {
      var sent = (event.data && event.data.sent) || [];
      var shown = sent.filter(function (item) { return item.client_id === shownId; })[0];
      if (shown && !fixing) {
        markSent(shown);
      }
      entries().then(function (left) { show({ sent: sent, fix: [], left: left }); });
    };
  }

  // Logging out -------------------------------------------------------------------------

  var logout = document.querySelector("[data-logout-form]");
  if (logout) {
    var warning = document.querySelector("[data-logout-warning]");
    var leave = async function () {
      try {
        var left = await entries();
        await Promise.all(left.filter(function (entry) { return entry.owner_tag === owner; })
          .map(function (entry) { return drop(entry.client_id); }));
      } finally {
        forgetContext();
        write(localStorage, OWNER, null);
        logout.submit();
      }
    };
    logout.addEventListener("submit", async function (event) {
      event.preventDefault();
      var result = await sync();
      var mine = result.left.filter(function (entry) { return entry.owner_tag === owner; });
      if (!mine.length || !warning) {
        return leave();
      }
      var title = warning.querySelector("[data-logout-warning-title]");
      title.textContent = words(warning, "waiting", mine.length);
      warning.hidden = false;
      title.focus();
    });
    if (warning) {
      warning.querySelector("[data-logout-confirm]").addEventListener("click", leave);
      warning.querySelector("[data-logout-cancel]").addEventListener("click", function () {
        warning.hidden = true;
        logout.querySelector("button").focus();
      });
    }
  }

  // Without WebCrypto or IndexedDB (a page not served over HTTPS, some private windows) the
  // form just posts, as it does without JavaScript.
  var able = window.isSecureContext && window.crypto && crypto.subtle && window.indexedDB;
  if (!form || !able) {
    if (able) {
      // Any page: send what waits (nothing is asked of the server when nothing waits).
      (async function () {
        if (status && status.hasAttribute("data-prime") && navigator.onLine) {
          try {
            await prime(await getJson("offline-context/"));
          } catch (error) {
            // Offline after all, or signed out: the tag and context from before stay.
          }
        }
        await sync();
      })();
    }
    return;
  }

  // The log form --------------------------------------------------------------------------

  var shell = form.hasAttribute("data-offline-shell");
  var area = document.querySelector("[data-offline-form-area]");
  var resultArea = document.querySelector("[data-offline-result]");
  var clientIdInput = form.querySelector("[data-client-id]");
  var required = JSON.parse(form.getAttribute("data-required"));
  var key = JSON.parse(form.getAttribute("data-offline-key"));
  var page = form.hasAttribute("data-offline-page") ? JSON.parse(form.getAttribute("data-offline-page")) : null;
  var fixing = null;
  var FLAGS = ["first_intercourse", "new_partner", "condom_used", "lubricant_used", "partner_blood", "non_consensual"];
  var TRIAGE = ["amount", "clots", "still_bleeding", "pain_during_sex", "pain_after", "faint", "symptoms",
    "pregnancy", "recent_procedure", "first_intercourse", "partner_blood", "non_consensual"];

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  function localInput(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  // "2026-03-14T22:30" on this phone's clock, with its UTC offset, as the API requires.
  function withOffset(value) {
    var offset = -new Date(value).getTimezoneOffset();
    var sign = offset < 0 ? "-" : "+";
    offset = Math.abs(offset);
    return value.slice(0, 16) + ":00" + sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60);
  }

  function freshForm() {
    clientIdInput.value = crypto.randomUUID();
    form.elements.occurred_at.value = localInput(new Date());
  }

  // The form's answers as the episodes API takes them.
  function episodeBody() {
    var data = new FormData(form);
    var body = { client_id: clientIdInput.value };
    ["amount", "pain_during_sex", "pain_after", "pregnancy", "recent_procedure", "clots", "onset", "colour", "notes"]
      .forEach(function (name) { body[name] = data.get(name) || ""; });
    body.occurred_at = withOffset(data.get("occurred_at"));
    body.faint = data.get("faint") === "yes";
    body.still_bleeding = data.get("duration") === "still_bleeding";
    body.duration = body.still_bleeding ? "" : data.get("duration") || "";
    body.symptoms = data.getAll("symptoms");
    var ticked = data.getAll("circumstances");
    FLAGS.forEach(function (name) { body[name] = ticked.indexOf(name) !== -1; });
    return body;
  }

  function basicsBody() {
    if (!form.elements["basics-menopause"]) {
      return null;
    }
    // As typed: the server checks it as the form does, and says what is wrong beside it.
    var year = form.elements["basics-year_of_birth"].value.trim();
    return { year_of_birth: year || null, menopause: new FormData(form).get("basics-menopause") || "" };
  }

  // The rule table: from this phone, or from the server (the service worker keeps a copy).
  async function ruleTable() {
    var table = read(localStorage, RULES);
    if (!table) {
      table = await getJson(RULES_PATH);
      write(localStorage, RULES, table);
    }
    return table;
  }

  // The answer the person sees offline: the rule table with this tab's context (the profile's
  // answers and the history counts as the server last gave them, plus the entries queued
  // since). Unknown facts count as the server counts them: towards more care.
  async function evaluate(body) {
    var table = await ruleTable().catch(function () { return null; });
    if (!table || !window.HarbourTriage) {
      return null;
    }
    var context = read(sessionStorage, CONTEXT) || {};
    var moment = new Date(body.occurred_at);
    var start = new Date(moment);
    start.setMonth(start.getMonth() - 6);
    // The server's count of the last 6 months (as of the page that gave it), and the entries
    // queued since in this tab. Close enough for an entry of now; the diary works it out
    // exactly once the entry is sent.
    var times = Object.keys(context.queued || {}).filter(function (id) { return id !== body.client_id; })
      .map(function (id) { return new Date(context.queued[id]); })
      .filter(function (time) { return time >= start && time < moment; });
    var count = times.length + (context.recent || 0);
    var first = Math.min.apply(null, times.concat(context.recent ? [new Date(context.first_recent)] : []));
    var answers = {
      age: context.year_of_birth ? moment.getFullYear() - context.year_of_birth : null,
      menopause: context.menopause || "unsure",
      cervical_screening: context.cervical_screening || "unknown",
      anticoagulants: context.anticoagulants === "yes",
      previous_episodes_6_months: count,
      first_episode_days_ago: count ? Math.max(0, Math.floor((moment - first) / 864e5)) : 0
    };
    TRIAGE.forEach(function (name) { answers[name] = body[name]; });
    try {
      return window.HarbourTriage.evaluate(table, answers);
    } catch (error) {
      return null;
    }
  }

  // Mistakes, shown as the server shows them: a summary first, each beside its question.
  var FIELD_OF = { still_bleeding: "duration" };
  FLAGS.forEach(function (name) { FIELD_OF[name] = "circumstances"; });

  function clearErrors() {
    form.querySelectorAll("[data-offline-error]").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[data-offline-invalid]").forEach(function (node) {
      node.classList.remove("field--error");
      node.removeAttribute("data-offline-invalid");
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
  }

  function messages(value) {
    if (typeof value === "string") {
      return [value];
    }
    var list = [];
    Object.keys(value || {}).forEach(function (k) { list = list.concat(messages(value[k])); });
    return list;
  }

  function showErrors(errors) {
    clearErrors();
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "alert");
    summary.tabIndex = -1;
    summary.setAttribute("data-offline-error", "");
    var heading = document.createElement("h2");
    heading.textContent = form.getAttribute("data-problem");
    var list = document.createElement("ul");
    summary.append(heading, list);
    Object.keys(errors).forEach(function (apiName) {
      var name = FIELD_OF[apiName] || apiName;
      var control = form.elements[name];
      var widget = document.getElementById("id_" + name);
      var field = widget && widget.closest(".field");
      messages(errors[apiName]).forEach(function (message) {
        var item = document.createElement("li");
        if (field) {
          var a = document.createElement("a");
          a.href = "#id_" + name;
          a.textContent = message;
          item.append(a);
        } else {
          item.textContent = message;
        }
        list.append(item);
      });
      if (!field) {
        return;
      }
      var errorList = document.createElement("ul");
      errorList.className = "errorlist";
      errorList.id = "id_" + name + "_error";
      errorList.setAttribute("data-offline-error", "");
      messages(errors[apiName]).forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        errorList.append(item);
      });
      widget.before(errorList);
      field.classList.add("field--error");
      field.setAttribute("data-offline-invalid", "");
      var described = field.querySelector("fieldset") || widget;
      var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== errorList.id;
      });
      described.setAttribute("aria-describedby", ids.concat(errorList.id).join(" "));
      (control && control.length !== undefined && !control.tagName ? Array.from(control) : [control])
        .forEach(function (input) { if (input) { input.setAttribute("aria-invalid", "true"); } });
      var details = field.closest("details");
      if (details) {
        details.open = true;
      }
    });
    form.prepend(summary);
    summary.focus();
  }

  // Questions left out, checked before an entry is kept: the server's own words for them.
  function missing() {
    var data = new FormData(form);
    var errors = {};
    Object.keys(required).forEach(function (name) {
      if (!data.get(name)) {
        errors[name] = [required[name]];
      }
    });
    return errors;
  }

  // The form filled in again with an entry the server sent back to be corrected.
  function fill(episode, basics) {
    form.reset();
    clientIdInput.value = episode.client_id;
    Array.from(form.elements).forEach(function (input) {
      var name = input.name;
      if (input.type === "radio" || input.type === "checkbox") {
        var value = episode[name];
        if (name === "faint") {
          value = episode.faint ? "yes" : "no";
        } else if (name === "duration") {
          value = episode.still_bleeding ? "still_bleeding" : episode.duration;
        } else if (name === "circumstances") {
          value = FLAGS.filter(function (flag) { return episode[flag]; });
        } else if (name === "basics-menopause") {
          value = basics && basics.menopause;
        }
        input.checked = Array.isArray(value) ? value.indexOf(input.value) !== -1 : value === input.value;
      } else if (name === "notes") {
        input.value = episode.notes || "";
      } else if (name === "occurred_at") {
        var moment = new Date(episode.occurred_at);
        input.value = isNaN(moment) ? "" : localInput(moment);
      } else if (name === "basics-year_of_birth") {
        input.value = basics && basics.year_of_birth !== null ? basics.year_of_birth : "";
      }
    });
  }

  function startFixing(item) {
    var answer = item.answer;
    fixing = item.client_id;
    document.querySelector("[data-offline-call]").replaceChildren();
    fill(answer.entry.episode || {}, answer.entry.basics);
    area.hidden = false;
    resultArea.hidden = true;
    document.querySelector("[data-offline-fix-note]").hidden = false;
    var errors = Object.assign({}, answer.errors);
    Object.keys(answer.basics_errors || {}).forEach(function (name) { errors["basics-" + name] = answer.basics_errors[name]; });
    showErrors(errors);
    if (latest) {
      show(latest); // not counted as waiting for a change: it is on screen
    }
  }

  // The answer shown at once: the call button first for an emergency, then the care card
  // and the reasons, from the templates in the page (in the person's language, with their
  // emergency number).
  function clone(selector) {
    var template = document.querySelector(selector);
    var copy = template.content.cloneNode(true);
    var context = read(sessionStorage, CONTEXT) || {};
    var number = context.emergency_number;
    var link = copy.querySelector("a[href^='tel:']");
    var shown = link && link.getAttribute("href").slice(4);
    if (shell && number && shown && number !== shown) {
      // The kept form shows the number for the phone's language; the person's is known.
      copy.querySelectorAll("*").forEach(function (node) {
        node.childNodes.forEach(function (child) {
          if (child.nodeType === 3) {
            child.textContent = child.textContent.split(shown).join(number);
          }
        });
        if (node.getAttribute("href") === "tel:" + shown) {
          node.setAttribute("href", "tel:" + number);
        }
      });
    }
    return copy;
  }

  function showResult(result) {
    var call = document.querySelector("[data-offline-call]");
    var card = resultArea.querySelector("[data-offline-card]");
    var reasons = resultArea.querySelector("[data-offline-reasons]");
    call.replaceChildren();
    card.replaceChildren();
    reasons.replaceChildren();
    resultArea.querySelector("[data-offline-why]").hidden = !result;
    if (!result) {
      card.append(clone("[data-no-advice]"));
    } else {
      if (result.level === "emergency") {
        call.append(clone("[data-call-now]"));
      }
      card.append(clone("[data-care-card='" + result.level + "']"));
      if (result.sooner) {
        card.querySelector(".care-card__when").textContent = result.sooner.when;
        var number = (card.querySelector("a[href^='tel:']") || { href: "tel:" }).href.slice(4);
        card.querySelector(".care-card__action").textContent = result.sooner.action.replace("{emergency_number}", number);
      }
      result.reasons.forEach(function (reason) {
        var item = document.createElement("li");
        item.className = "reason reason--" + reason.level;
        var message = document.createElement("p");
        message.className = "reason__message";
        message.textContent = reason.message;
        item.append(message);
        reasons.append(item);
      });
    }
    resultArea.querySelector("[data-offline-waiting]").hidden = false;
    resultArea.querySelector("[data-offline-sent]").hidden = true;
    area.hidden = true;
    resultArea.hidden = false;
    window.scrollTo(0, 0);
    resultArea.querySelector("#offline-result-title").focus();
  }

  function episodeUrl(id) {
    return form.getAttribute("data-episode-url").replace("00000000-0000-0000-0000-000000000000", id);
  }

  function markSent(sent) {
    resultArea.querySelector("[data-offline-waiting]").hidden = true;
    resultArea.querySelector("[data-offline-sent-link]").href = episodeUrl(sent.episode.id);
    resultArea.querySelector("[data-offline-sent]").hidden = false;
  }

  // Keep the entry on this phone, sealed; show the answer; send it if the connection is back.
  async function keep() {
    var errors = missing();
    if (Object.keys(errors).length) {
      showErrors(errors);
      return;
    }
    var body = episodeBody();
    var failed = document.querySelector("[data-offline-failed]");
    failed.hidden = true;
    var result = await evaluate(body);
    body.assessment_when_logged = result && {
      level: result.level,
      reasons: result.reasons.map(function (reason) { return reason.code; }),
      rules_version: result.rules_version
    };
    try {
      var tag = owner || (page && page.owner_tag);
      if (!tag) {
        throw new Error("nobody to keep it for");
      }
      var sealed = await queue.seal({ owner_tag: tag, episode: body, basics: basicsBody() }, body.client_id, key);
      await queue.put(Object.assign({ client_id: body.client_id, owner_tag: tag, queued_at: new Date().toISOString() }, sealed));
    } catch (error) {
      failed.hidden = false;
      failed.focus();
      return;
    }
    var context = read(sessionStorage, CONTEXT);
    if (context) {
      context.queued = Object.assign(context.queued || {}, { [body.client_id]: body.occurred_at });
      write(sessionStorage, CONTEXT, context);
    }
    clearErrors();
    document.querySelector("[data-offline-fix-note]").hidden = true;
    var clientId = body.client_id;
    shownId = clientId;
    if (!fixing) {
      showResult(result);
    }
    registerSync();
    var outcome = await sync();
    var mine = function (item) { return item.client_id === clientId; };
    var sent = outcome.sent.filter(mine)[0];
    var fix = outcome.fix.filter(mine)[0];
    if (sent && fixing) {
      window.location.assign(episodeUrl(sent.episode.id));
    } else if (sent) {
      markSent(sent);
    } else if (fix) {
      startFixing(fix);
    } else if (fixing) {
      fixing = null; // corrected, but no connection now: it waits, like any other
      showResult(result);
    }
  }

  // Online, the form posts as it would without this script, but through fetch, so that a
  // connection that drops on the way (or a session that ended) keeps the entry instead of
  // losing it. Its client_id makes a post the server did receive and the queued copy one.
  async function post() {
    var response;
    saving(true);
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        signal: AbortSignal.timeout ? AbortSignal.timeout(15000) : undefined
      });
    } catch (error) {
      saving(false);
      return keep();
    }
    var path = new URL(response.url).pathname;
    if (response.ok && response.redirected && path.indexOf(form.getAttribute("data-login-path")) !== 0) {
      return window.location.assign(response.url); // saved: its page, as after a plain post
    }
    saving(false);
    if (response.redirected || response.status >= 500 || response.status === 403) {
      // The session ended, or the server's trouble, not the answers: kept until it can be sent.
      return keep();
    }
    form.submit(); // mistakes to correct: the server's own page shows them
  }

  // While the post is on its way, the page waits as it would for the server's next page:
  // nothing in it can be sent twice or left half-done ("Leave quickly", above it, still works).
  function saving(on) {
    var button = form.querySelector("[type=submit]");
    document.querySelector("main").inert = on;
    form.setAttribute("aria-busy", String(on));
    if (on) {
      button.setAttribute("data-label", button.textContent);
      button.textContent = form.getAttribute("data-saving");
    } else if (button.hasAttribute("data-label")) {
      button.textContent = button.getAttribute("data-label");
    }
  }

  var busy = false;
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    try {
      if (shell || fixing || !navigator.onLine) {
        await keep();
      } else {
        await post();
      }
    } finally {
      busy = false;
    }
  });

  resultArea.querySelector("[data-offline-another]").addEventListener("click", function () {
    document.querySelector("[data-offline-call]").replaceChildren();
    form.reset();
    clearErrors();
    fixing = null;
    freshForm();
    resultArea.hidden = true;
    area.hidden = false;
    document.querySelector("[data-offline-form-title]").focus();
  });

  (async function () {
    if (!clientIdInput.value) {
      freshForm();
    }
    if (page) {
      await prime(page).catch(function () {});
    } else if (!owner) {
      // The kept form, on a phone where nobody has signed in: nothing to queue it for.
      document.querySelector("[data-offline-no-owner]").hidden = false;
      form.hidden = true;
      return;
    }
    var result = await sync();
    if (result.fix.length && !fixing) {
      startFixing(result.fix[0]);
    }
  })();
})(window.HarbourQueue);
