// The red-flag evaluator of knowledge/triage.py, in the browser: the rule table served at
// /api/v1/rules/ and one episode's answers in, the same level, reasons (in the same order,
// variants applied), pages and sooner time frame out, so that the self-check can answer
// without a connection (js/offline-check.js). tests/browser/test_offline_triage.py holds it
// to the server on every public vignette and 500 random answers: change both together.
// A classic script, not a module, so that a service worker can importScripts() it too.
(function (root) {
  "use strict";

  // Most to least urgent. Reassurance and the fallback only speak when nothing at `soon`
  // or above fires.
  var LEVELS = ["emergency", "urgent", "soon", "routine", "self_care"];
  var DECISIVE = "soon";
  var HELP_PAGE = "/learn/when-to-get-help/";
  var PAIN = ["none", "mild", "moderate", "severe"];
  // The contract's defaults. A missing field takes its default, but null stays null: "not
  // known", and the rules say what unknown means (if_unknown). age and amount have none.
  var DEFAULTS = {
    clots: "none", still_bleeding: false, pain_during_sex: "none", pain_after: "none",
    faint: false, pregnancy: "no", menopause: "no", symptoms: [], recent_procedure: "none",
    anticoagulants: false, cervical_screening: "unknown", first_intercourse: false,
    partner_blood: false, non_consensual: false, previous_episodes_6_months: 0,
    first_episode_days_ago: 0
  };

  function rank(level) {
    return LEVELS.indexOf(level);
  }

  function moreUrgent(a, b) {
    if (a === null) {
      return b;
    }
    return rank(a) <= rank(b) ? a : b;
  }

  // The answers with the defaults and `pain`, the worse of the two pain answers, filled in.
  function facts(answers) {
    var known = { age: null, amount: null };
    var key;
    for (key in DEFAULTS) {
      known[key] = DEFAULTS[key];
    }
    for (key in answers) {
      if (Object.prototype.hasOwnProperty.call(answers, key) && answers[key] !== undefined) {
        known[key] = answers[key];
      }
    }
    var pains = [known.pain_during_sex, known.pain_after].filter(function (pain) {
      return pain !== null;
    });
    known.pain = pains.length === 0 ? null : pains.reduce(function (worse, pain) {
      return PAIN.indexOf(pain) > PAIN.indexOf(worse) ? pain : worse;
    });
    return known;
  }

  // Whether a condition holds. Equality is strict (===), as in the Python (`_same`).
  function holds(cond, known) {
    if ("all" in cond) {
      return cond.all.every(function (part) { return holds(part, known); });
    }
    if ("any" in cond) {
      return cond.any.some(function (part) { return holds(part, known); });
    }
    if ("not" in cond) {
      return !holds(cond.not, known);
    }
    var value = known[cond.field];
    if (value === undefined) {
      value = null;
    }
    if ("at_least" in cond || "below" in cond) {
      if (value === null) {
        return cond.if_unknown === true;
      }
      return "at_least" in cond ? value >= cond.at_least : value < cond.below;
    }
    if ("is" in cond) {
      return value === cond.is;
    }
    if ("in" in cond) {
      return cond.in.indexOf(value) !== -1;
    }
    var wanted = "has" in cond ? [cond.has] : cond.has_any;
    return (value || []).some(function (item) { return wanted.indexOf(item) !== -1; });
  }

  // What the person reads for one rule: the first variant's message that fits, and the
  // sooner time frame if the rule has one.
  function reasonFor(rule, known) {
    var reason = {
      code: rule.code, level: rule.level, message: rule.message, source: rule.source,
      source_url: rule.source_url, pages: rule.pages.slice()
    };
    var variants = rule.variants || [];
    for (var i = 0; i < variants.length; i += 1) {
      if (holds(variants[i].when, known)) {
        reason.message = variants[i].message;
        break;
      }
    }
    if ("sooner" in rule) {
      reason.sooner = { when: rule.sooner.when, action: rule.sooner.action };
    }
    return reason;
  }

  // The reasons' pages, then those about the answers, each once, "When to get help" last.
  function pagesFor(reasons, known, table) {
    var pages = [];
    reasons.forEach(function (reason) { pages = pages.concat(reason.pages); });
    (table.answer_pages || []).forEach(function (entry) {
      if (holds(entry.when, known)) {
        pages.push(entry.page);
      }
    });
    var seen = {};
    return pages.filter(function (page) {
      var first = page !== HELP_PAGE && !seen["/" + page];
      seen["/" + page] = true;
      return first;
    }).concat([HELP_PAGE]);
  }

  function evaluate(table, answers) {
    var rules = table.rules;
    var known = facts(answers || {});
    var firing = function (kind) {
      return rules.filter(function (rule) {
        return rule.kind === kind && holds(rule.when, known);
      });
    };
    var chosen = firing("red_flag");
    var level = null;
    chosen.forEach(function (rule) { level = moreUrgent(level, rule.level); });
    if (level === null || rank(level) > rank(DECISIVE)) {
      var deciders = firing("reassurance");
      if (deciders.length === 0) {
        deciders = firing("fallback");
      }
      deciders.forEach(function (rule) { level = moreUrgent(level, rule.level); });
      chosen = chosen.concat(deciders.filter(function (rule) { return rule.level === level; }));
    }
    var order = {};
    rules.forEach(function (rule, number) { order[rule.code] = number; });
    chosen.sort(function (a, b) {
      return rank(a.level) - rank(b.level) || order[a.code] - order[b.code];
    });
    var reasons = chosen.map(function (rule) { return reasonFor(rule, known); });
    // The sooner time frame of the first reason at the answer's level that has one.
    var sooner = null;
    reasons.some(function (reason) {
      sooner = reason.level === level && reason.sooner ? reason.sooner : null;
      return sooner !== null;
    });
    return {
      level: level,
      reasons: reasons,
      pages: pagesFor(reasons, known, table),
      sooner: sooner,
      rules_version: table.version
    };
  }

  root.HarbourTriage = {
    LEVELS: LEVELS, DEFAULTS: DEFAULTS, evaluate: evaluate, facts: facts, holds: holds
  };
})(typeof self !== "undefined" ? self : this);
