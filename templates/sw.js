{% autoescape off %}// The service worker: the app opens and reads without a connection, and keeps nothing about
// anyone. Served at /sw.js by pcb_site.views.service_worker, which fills in the release.
//
// Two caches for each release:
//   harbour-<release>-static  all that is fetched at install: stylesheet, scripts and icons
//                             (hashed names), the public pages, the self-check and its rule
//                             table, the offline page. Kept until the next release.
//   harbour-<release>-pages   fresher copies of knowledge pages, fetched while someone reads.
//                             Emptied when the person locks, logs out or leaves quickly.
// Everything put in either is fetched with credentials "omit": the server sees nobody, so no
// page made for a signed-in person can land in a cache, and nothing that is no-store or
// private is kept at run time. The diary, the account pages and the API (but its public rule
// table) are never answered from a cache: they go to the server as if there were no worker.
"use strict";

const RELEASE = {{ release }};
// The language of the pages kept: each language's worker keeps its own copies.
const LANGUAGE = {{ language }};
const STATIC = "harbour-" + RELEASE + "-" + LANGUAGE + "-static";
const PAGES = "harbour-" + RELEASE + "-" + LANGUAGE + "-pages";
const PRECACHE = {{ precache }};
const STATIC_URL = {{ static_url }};
const OFFLINE = {{ offline }};
const RULES = {{ rules }};
const LOG = {{ log }};
// The diary's form that works without a connection; null until the diary has one.
const OFFLINE_LOG = {{ offline_log }};
// Its queue of entries kept on the phone (static/js/offline-queue.js), sent from here when
// the browser fires Background Sync: the connection is back, maybe with no page open.
const QUEUE_SCRIPT = {{ queue_script }};
if (QUEUE_SCRIPT) {
  importScripts(QUEUE_SCRIPT);
}
// The server's no-store prefixes (pcb_site/middleware.py): never kept at run time, and
// answered from the cache only when kept at install (the self-check, the offline log form).
const PRIVATE = {{ private }};
// Kept while the latest page the server sent was for nobody signed in: only then are
// knowledge pages answered from the cache first. A signed-in person gets the server's own
// page, with the lock button on it, so leaving quickly can end the session.
const ANONYMOUS = "/sw/anonymous-reader";
let forgotAt = 0;

function isPrivate(path) {
  return PRIVATE.some((prefix) => path.startsWith(prefix));
}

// Without cookies, and past the browser's HTTP cache: the copies live only in the caches
// above, which the ways out can empty (a website cannot empty the HTTP cache). Without the
// language cookie, the server is told the language by the one header that says it: the
// worker's first, then the browser's own, whose region (en-GB) picks the emergency number.
const ACCEPT_LANGUAGE = [LANGUAGE, ...(self.navigator.languages || [])
  .filter((tag) => tag !== LANGUAGE).slice(0, 8)]
  .map((tag, i) => (i ? tag + ";q=0." + (9 - i) : tag)).join(", ");

function anonymously(url) {
  return fetch(url, {
    credentials: "omit", cache: "no-store", headers: { "Accept-Language": ACCEPT_LANGUAGE },
  });
}

async function whole(url) {
  const response = await anonymously(url);
  if (!response.ok || response.redirected) {
    throw new Error(url + " answered " + response.status);
  }
  return response;
}

function cached(url) {
  const options = { ignoreSearch: true, ignoreVary: true };
  return caches.match(url, { ...options, cacheName: PAGES })
    .then((hit) => hit || caches.match(url, { ...options, cacheName: STATIC }));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    // Everything fetched before anything is put: if one fails, the install fails and the
    // release before keeps serving, whole.
    const responses = await Promise.all(PRECACHE.map(whole));
    // Another app's page: the worker installs without it (the offline page stands in).
    const log = OFFLINE_LOG && await whole(OFFLINE_LOG).catch(() => null);
    const cache = await caches.open(STATIC);
    await Promise.all(responses.map((response, i) => cache.put(PRECACHE[i], response)));
    if (log) {
      await cache.put(OFFLINE_LOG, log);
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  // The new caches are complete (install waited for them): the old releases' can go.
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => /^harbour-.+-(static|pages)$/.test(name) && name !== STATIC && name !== PAGES)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

function forgetPages() {
  forgotAt = Date.now();
  return caches.keys().then((names) => Promise.all(
    names.filter((name) => /^harbour-.+-pages$/.test(name)).map((name) => caches.delete(name))
  ));
}

// Registered by static/js/offline-log.js when an entry is kept. A rejection (no connection,
// a server error) makes the browser try again later; entries of nobody signed in now stay,
// unseen, for when that person signs in (HarbourQueue.sendAll says why).
self.addEventListener("sync", (event) => {
  if (event.tag === "harbour-queue" && self.HarbourQueue) {
    event.waitUntil(self.HarbourQueue.sendAll());
  }
});

// From static/js/quick-exit.js as the person leaves: done here, the page may already be gone.
self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") {
    event.waitUntil(forgetPages());
  }
});

async function setReader(anonymous) {
  const cache = await caches.open(STATIC);
  return anonymous ? cache.put(ANONYMOUS, new Response("")) : cache.delete(ANONYMOUS);
}

// Learn from a page the server sent who is reading: every page for a signed-in person is
// private (NoStoreMiddleware), so is every page under a private prefix.
function learnReader(response, path) {
  if (response.type !== "basic") {
    return undefined;
  }
  if (/private/.test(response.headers.get("Cache-Control") || "")) {
    return setReader(false);
  }
  return isPrivate(path) ? undefined : setReader(true);
}

async function refresh(url) {
  const started = Date.now();
  try {
    const response = await anonymously(url);
    const control = response.headers.get("Cache-Control") || "";
    if (response.ok && !response.redirected && !/no-store|private/.test(control) && started > forgotAt) {
      await (await caches.open(PAGES)).put(url, response);
    }
  } catch (error) {
    // No connection: the copy in the cache stays.
  }
}

async function fallback(url) {
  const path = url.pathname;
  const kept = !isPrivate(path) || PRECACHE.includes(path) || path === OFFLINE_LOG;
  return (kept && await cached(url.href))
    || (path === LOG && OFFLINE_LOG && await cached(OFFLINE_LOG))
    || (await cached(OFFLINE))
    || Response.error();
}

async function navigate(event, url) {
  const path = url.pathname;
  const knowledge = path.startsWith("/learn/") && !isPrivate(path) && !url.search;
  if (knowledge && await caches.match(ANONYMOUS, { cacheName: STATIC })) {
    // Stale while revalidate: the kept copy now, a fresh one (without cookies) for next time.
    const hit = await cached(url.href);
    if (hit) {
      event.waitUntil(refresh(url.href));
      return hit;
    }
  }
  try {
    const response = await fetch(event.request);
    event.waitUntil(learnReader(response, path));
    return response;
  } catch (error) {
    return fallback(url);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    if (request.mode === "navigate") {
      // Signing in, logging out or locking: who reads next is not known until the server says.
      event.waitUntil(setReader(false));
      // A form sent with no connection (a search, signing in) gets the offline page, with
      // what works and the emergency number, not the browser's own error page.
      event.respondWith(fetch(request).catch(() => cached(OFFLINE).then((hit) => hit || Response.error())));
    }
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (url.pathname.startsWith(STATIC_URL)) {
    // Hashed names never change content: the release's copy is the one to use.
    event.respondWith(caches.match(request, { cacheName: STATIC, ignoreVary: true })
      .then((hit) => hit || fetch(request)));
  } else if (url.pathname === RULES) {
    event.respondWith(anonymously(url.href).catch(() => cached(RULES).then((hit) => hit || Response.error())));
  }
});
{% endautoescape %}
