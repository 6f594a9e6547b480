// The self-check without a connection. When the form is sent while the browser is offline,
// js/triage.js works out the answer here, from the rule table of /api/v1/rules/ (the service
// worker's copy, or the one kept on this device at the last visit online), and the result is
// shown in the result page's own markup and words: the <template>s of
// knowledge/includes/offline_result.html. Online, nothing changes: the form posts.
//
// Kept on this device (localStorage): the rule table, which is public, and the last country
// a page showed, for its emergency number (js/offline-page.js reads it too). Never the
// answers: they stay in the form, and are gone with the page.
(function () {
  "use strict";
  // One table a language: its texts are in the page's language (/api/v1/rules/?language=).
  var RULES_KEY = "harbour:rules:" + (document.documentElement.lang || "en");
  var COUNTRY_KEY = "harbour:country";

  function read(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null; // Storage turned off: the service worker's copy, or nothing.
    }
  }

  function write(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      // Storage turned off or full: the check still works while the worker has the table.
    }
  }

  // The country this page shows. A guess from the browser's language never replaces a
  // country remembered before (it may be the page kept by the service worker).
  var shown = document.querySelector("[data-remember-country]");
  var pageCountry = shown ? shown.getAttribute("data-remember-country") : "";
  if (/^[A-Z]{2}$/.test(pageCountry)
      && !(shown.hasAttribute("data-country-guessed") && read(COUNTRY_KEY))) {
    write(COUNTRY_KEY, pageCountry);
  }

  var form = document.querySelector("form[data-offline-check]");
  var triage = window.HarbourTriage;
  var resultTemplate = document.getElementById("offline-result");
  if (!form || !triage || !resultTemplate || !("content" in resultTemplate)) {
    return;
  }
  var numbers = JSON.parse(document.getElementById("emergency-numbers").textContent);
  var main = form.closest("main") || document.body;
  var hidden = [];
  var titleBefore = document.title;

  function usable(table) {
    return Boolean(table) && typeof table.version === "string" && Boolean(table.levels)
      && Array.isArray(table.rules);
  }

  function fetchTable() {
    return fetch(form.getAttribute("data-rules-url"), { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("no rule table: " + response.status);
        }
        return response.json();
      })
      .then(function (table) {
        if (!usable(table)) {
          throw new Error("not a rule table");
        }
        write(RULES_KEY, JSON.stringify(table));
        return table;
      });
  }

  function keptTable() {
    try {
      var table = JSON.parse(read(RULES_KEY));
      return usable(table) ? table : null;
    } catch (error) {
      return null;
    }
  }

  // The answers in the triage contract's shape, as SelfCheckForm.answers() reads them: an
  // unanswered question is left out (its default), a blank age or amount is not known.
  // `errors` names what the server's form would refuse, as the error template does.
  function readForm() {
    var data = new FormData(form);
    var answers = { age: null, amount: data.get("amount") || null };
    var errors = answers.amount ? [] : ["amount"];
    Object.keys(triage.DEFAULTS).forEach(function (name) {
      var kind = typeof triage.DEFAULTS[name];
      var value = data.get(name);
      if (name === "symptoms") {
        answers.symptoms = data.getAll("red_flag_symptoms").concat(data.getAll("symptoms"));
      } else if (kind === "boolean") {
        answers[name] = value === "yes";
      } else if (value) {
        answers[name] = kind === "number" ? parseInt(value, 10) : value;
      }
    });
    // As Django's IntegerField reads it, within the limits the form gives the field.
    var age = String(data.get("age") || "").trim();
    var field = form.elements.age;
    if (age && !/^[-+]?\d+(\.0*)?$/.test(age)) {
      errors.push("age_invalid");
    } else if (age) {
      var years = parseInt(age, 10);
      if (field.min && years < Number(field.min)) {
        errors.push("age_min_value");
      } else if (field.max && years > Number(field.max)) {
        errors.push("age_max_value");
      } else {
        answers.age = years;
      }
    }
    return { answers: answers, errors: errors };
  }

  // The country chosen in the form, else the last one known on this device, else the one
  // the page was made with. A country chosen here is remembered.
  function country() {
    var select = form.elements.country;
    var initial = select && (select.querySelector("option[selected]") || select.options[0]);
    var chosen = Boolean(select) && select.value !== initial.value;
    if (chosen && select.value) {
      write(COUNTRY_KEY, select.value);
    }
    var code = chosen ? select.value : read(COUNTRY_KEY) || (select ? select.value : "");
    return code && code !== "default" && Object.prototype.hasOwnProperty.call(numbers, code)
      ? code : null;
  }

  // A copy of a template, keeping each <template data-show-if> whose condition holds.
  function copy(id, conditions) {
    var fragment = document.importNode(document.getElementById(id).content, true);
    var part;
    while ((part = fragment.querySelector("template[data-show-if]"))) {
      if (conditions[part.getAttribute("data-show-if")]) {
        part.replaceWith(part.content);
      } else {
        part.remove();
      }
    }
    return fragment;
  }

  // Replaces {placeholders} in text and attributes: as text, never as markup.
  function fill(root, values) {
    var swap = function (text) {
      return text.replace(/\{(\w+)\}/g, function (whole, key) {
        return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
      });
    };
    var visit = function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        node.nodeValue = swap(node.nodeValue);
      } else if (node.attributes) {
        Array.prototype.forEach.call(node.attributes, function (attribute) {
          attribute.value = swap(attribute.value);
        });
      }
    };
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    visit(root);
    while (walker.nextNode()) {
      visit(walker.currentNode);
    }
  }

  // What knowledge.care.care_card() gives the template, from the table's levels.
  function careCard(table, result, code) {
    var level = table.levels[result.level];
    var numbersHere = code ? numbers[code] : numbers["default"];
    var sooner = result.sooner;
    var action = sooner ? sooner.action : level.action;
    return {
      level: result.level,
      css: result.level.replace(/_/g, "-"),
      title: level.title,
      when: sooner ? sooner.when : level.when,
      action: action.split("{emergency_number}").join(numbersHere.number),
      who: level.who,
      advice: sooner ? sooner.action : level.advice,
      number: numbersHere.number,
      second_number: numbersHere.second || "",
      country_name: code ? numbersHere.name : ""
    };
  }

  function clearNotices() {
    Array.prototype.forEach.call(form.querySelectorAll(".error-summary, [data-offline-notice]"),
      function (notice) { notice.remove(); });
  }

  // Where the server puts its error summary: first in the form.
  function notify(fragment) {
    clearNotices();
    var notice = fragment.firstElementChild;
    notice.setAttribute("data-offline-notice", "");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    form.insertBefore(fragment, token ? token.nextSibling : form.firstChild);
    notice.focus();
  }

  function showResult(table, result, code) {
    if (main.querySelector(".offline-result")) {
      return; // Sent twice before the first answer showed.
    }
    var card = careCard(table, result, code);
    var conditions = { emergency: result.level === "emergency" };
    conditions["not-emergency"] = !conditions.emergency;
    conditions[code ? "country" : "no-country"] = true;
    conditions["second-number"] = Boolean(card.second_number);
    result.reasons.forEach(function (reason) { conditions["reason:" + reason.code] = true; });
    var fragment = copy("offline-result", conditions);
    if (!card.second_number) {
      Array.prototype.forEach.call(fragment.querySelectorAll(".button--call-secondary"),
        function (button) { button.remove(); });
    }
    var reasonItem = fragment.querySelector(".reason");
    var list = reasonItem.parentNode;
    list.removeChild(reasonItem);
    fill(fragment, card);
    result.reasons.forEach(function (reason) {
      var item = reasonItem.cloneNode(true);
      fill(item, {
        level: reason.level,
        message: reason.message,
        source: reason.source,
        source_url: /^https:\/\//.test(reason.source_url) ? reason.source_url : ""
      });
      list.appendChild(item);
    });

    clearNotices();
    hidden = Array.prototype.filter.call(main.children, function (child) { return !child.hidden; });
    hidden.forEach(function (child) { child.hidden = true; });
    var shownResult = fragment.firstElementChild;
    main.appendChild(fragment);
    document.title = resultTemplate.getAttribute("data-title");
    // Back shows the form again, answers and all, as it does after the server's result.
    window.history.pushState(null, "", window.location.href);
    window.scrollTo(0, 0);
    shownResult.querySelector("h1").focus({ preventScroll: true });
  }

  function closeResult() {
    var shownResult = main.querySelector(".offline-result");
    if (!shownResult) {
      return;
    }
    shownResult.remove();
    hidden.forEach(function (child) { child.hidden = false; });
    document.title = titleBefore;
    window.scrollTo(0, 0);
    main.focus({ preventScroll: true });
  }

  window.addEventListener("popstate", closeResult);

  main.addEventListener("click", function (event) {
    var link = event.target.closest("[data-new-check]");
    if (link && navigator.onLine === false) {
      event.preventDefault();
      form.reset();
      window.history.back();
    }
  });

  form.addEventListener("submit", function (event) {
    if (navigator.onLine !== false) {
      return; // Online: the form posts, and the server answers, as always.
    }
    event.preventDefault();
    var given = readForm();
    var code = country();
    fetchTable().catch(keptTable).then(function (table) {
      if (!table) {
        var unavailable = copy("offline-unavailable", {});
        fill(unavailable, { number: (code ? numbers[code] : numbers["default"]).number });
        notify(unavailable);
        return;
      }
      var result = triage.evaluate(table, given.answers);
      if (given.errors.length && result.level !== "emergency") {
        var conditions = {};
        given.errors.forEach(function (error) { conditions[error] = true; });
        notify(copy("offline-errors", conditions));
        return;
      }
      showResult(table, result, code);
    });
  });

  // A fresh copy of the table for the next time there is no connection.
  if (navigator.onLine !== false) {
    window.addEventListener("load", function () {
      fetchTable().catch(function () {});
    });
  }
})();
