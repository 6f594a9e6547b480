// The offline queue's store and its way to the server, for the pages (offline-log.js) and
// for the service worker's Background Sync ("harbour-queue"), which importScripts() this
// file and calls HarbourQueue.sendAll().
//
// Each entry is sealed to the server's public key (diary/offline_queue.py says how) before it
// is stored, so IndexedDB ("harbour", store "queue") holds only ciphertext that nobody with
// the phone can read, with its client_id, the opaque tag of the account that queued it, and
// when. Entries are sent through /api/v1/episodes/sealed/ with their client_id (a retry
// returns the first episode), and leave the phone as soon as the server has them.
(function (scope) {
  "use strict";
  if (scope.HarbourQueue) {
    return; // loaded twice (a page and its layout): one queue
  }
  var DB = "harbour";
  var STORE = "queue";
  var API = "/api/v1/";
  var text = new TextEncoder();
  // Tells the other pages (and the worker tells them) that entries left the phone.
  var channel = scope.BroadcastChannel ? new scope.BroadcastChannel("harbour-queue") : null;

  // IndexedDB -----------------------------------------------------------------------------

  function withStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore(STORE, { keyPath: "client_id" });
      };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var db = opening.result;
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }

  // Every waiting entry. Opening creates the database: a phone that never queued anything
  // is not given one just by reading a page.
  async function entries() {
    if (indexedDB.databases) {
      var names = (await indexedDB.databases()).map(function (db) { return db.name; });
      if (names.indexOf(DB) === -1) {
        return [];
      }
    }
    return withStore("readonly", function (store) { return store.getAll(); });
  }

  function drop(clientId) {
    return withStore("readwrite", function (store) { return store.delete(clientId); });
  }

  // Sealing -------------------------------------------------------------------------------

  function base64url(bytes) {
    var binary = "";
    new Uint8Array(bytes).forEach(function (byte) { binary += String.fromCharCode(byte); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // ECDH with a new key pair for each entry, HKDF-SHA256, AES-256-GCM with the client_id as
  // associated data: diary.offline_queue.seal does the same in Python.
  async function seal(content, clientId, key) {
    var subtle = crypto.subtle;
    var curve = { name: "ECDH", namedCurve: "P-256" };
    var server = await subtle.importKey("jwk", key.jwk, curve, false, []);
    var pair = await subtle.generateKey(curve, false, ["deriveBits"]);
    var point = await subtle.exportKey("raw", pair.publicKey);
    var shared = await subtle.deriveBits({ name: "ECDH", public: server }, pair.privateKey, 256);
    var hkdf = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
    var info = text.encode("harbour offline queue: sealed entry v1");
    var aes = await subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: point, info: info },
      hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt"]
    );
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var sealed = await subtle.encrypt(
      { name: "AES-GCM", iv: iv, additionalData: text.encode(clientId) },
      aes, text.encode(JSON.stringify(content))
    );
    return { key_id: key.key_id, epk: base64url(point), iv: base64url(iv), ciphertext: base64url(sealed) };
  }

  // Sending -------------------------------------------------------------------------------

  async function getJson(path) {
    var response = await fetch(API + path, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) {
      throw new Error(path + " " + response.status);
    }
    return response.json();
  }

  // Send every entry of whoever is signed in now, each at most once at a time. Resolves with
  // what happened; rejects when the connection or the server failed (Background Sync then
  // tries again later). 200/201: the server has it, it leaves the phone at once. 400: the
  // answers need a change (`fix`, with the opened entry, for the log form to show). 401/403:
  // the session ended (`signIn`). 409: another account's: it waits for them, unseen.
  async function send() {
    var result = { owner: null, sent: [], fix: [], signIn: false, left: [] };
    var waiting = await entries();
    if (waiting.length) {
      var session = await getJson("csrf/");
      result.owner = session.owner_tag;
      result.signIn = !session.owner_tag;
      for (var i = 0; i < waiting.length && !result.signIn; i += 1) {
        var entry = waiting[i];
        if (entry.owner_tag !== session.owner_tag) {
          continue;
        }
        var response = await fetch(API + "episodes/sealed/", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token },
          body: JSON.stringify({
            client_id: entry.client_id, key_id: entry.key_id, epk: entry.epk,
            iv: entry.iv, ciphertext: entry.ciphertext
          })
        });
        if (response.status === 200 || response.status === 201) {
          await drop(entry.client_id);
          result.sent.push({ client_id: entry.client_id, episode: await response.json() });
        } else if (response.status === 401 || response.status === 403) {
          result.signIn = true;
        } else if (response.status === 400) {
          var answer = await response.json();
          if (answer.code === "invalid") {
            result.fix.push({ client_id: entry.client_id, answer: answer });
          }
        } else if (response.status >= 500) {
          throw new Error("server " + response.status);
        }
      }
      if (result.sent.length && channel) {
        // Which entries, so that a log form showing one of them says it is in the diary.
        channel.postMessage({ sent: result.sent });
      }
      result.left = await entries();
    }
    return result;
  }

  // One sender at a time on the whole phone: pages, tabs and the service worker share a Web
  // Lock, so the second waits and finds that the first has sent everything (the server
  // would answer a double with the first episode; this spares the double request).
  var sending = null;
  function sendAll() {
    if (!sending) {
      var locks = scope.navigator && scope.navigator.locks;
      var run = locks ? locks.request("harbour-queue", send) : send();
      sending = run.finally(function () { sending = null; });
    }
    return sending;
  }

  function put(entry) {
    return withStore("readwrite", function (store) { return store.put(entry); });
  }

  scope.HarbourQueue = {
    channel: channel, drop: drop, entries: entries, getJson: getJson, put: put, seal: seal,
    sendAll: sendAll
  };
})(typeof self !== "undefined" ? self : this);
