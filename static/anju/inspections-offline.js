/* The offline layer of the inspection pages. While online it registers the service worker
   and stores today's rounds and their checkpoint pages for later. A checkpoint recorded
   without signal is kept in IndexedDB (idb-keyval) with an idempotency key per answer and
   the time it was really taken; the queue is shown on the page and sent, in order, once
   the phone is online (the server records a replayed answer once). What the server refuses
   (the round was given to someone else, missed ...) stays on screen until dismissed. */
(function () {
  "use strict";
  var root = document.querySelector("[data-inspections-page]");
  if (!root || !window.idbKeyval) return;
  var idb = window.idbKeyval;
  var store = idb.createStore("anju-inspections", "outbox");
  var CACHE = "anju-inspections-v1";
  var sending = false;
  var user = root.dataset.user || "";

  // Another login on this phone: the pages kept for the previous one are dropped (their
  // queued answers stay, theirs only: they are sent when that login is back).
  var cleared = Promise.resolve();
  try {
    if (localStorage.getItem("anju-inspections-user") !== user) {
      if (window.caches) cleared = caches.delete(CACHE);
      localStorage.setItem("anju-inspections-user", user);
    }
  } catch (e) { /* storage refused: nothing kept */ }

  function csrf() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }

  function newKey(fallback) {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID().replace(/-/g, "");
    return fallback + "-" + Date.now().toString(36);
  }

  // --- Keeping pages for later --------------------------------------------------------------
  function keep(urls) {
    if (!window.caches || !urls.length) return Promise.resolve();
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (u) {
        return fetch(u, { credentials: "same-origin" }).then(function (r) {
          if (r.ok && !r.redirected) return cache.put(u, r.clone()).then(function () { return r.text(); });
          return "";
        }).catch(function () { return ""; });
      }));
    });
  }

  // The pages a page links for offline use (its rounds, its checkpoints), read from its HTML
  // with a pattern: parsing it into a document would apply its style attributes (CSP).
  var LINK = /<[^>]*\bdata-offline-cache\b[^>]*>|<[^>]*\bdata-checkpoint-url="[^"]*"[^>]*>/g;
  function linksIn(html) {
    var found = [];
    (html.match(LINK) || []).forEach(function (tag) {
      var m = /\bdata-checkpoint-url="([^"]+)"/.exec(tag) || /\bhref="([^"]+)"/.exec(tag);
      if (m && found.indexOf(m[1]) < 0) found.push(m[1].replace(/&amp;/g, "&"));
    });
    return found;
  }

  function prefetch() {
    if (!navigator.onLine) return;
    cleared.then(prefetchPages);
  }

  function prefetchPages() {
    var assets = Array.prototype.map.call(
      document.querySelectorAll("script[src], link[rel=stylesheet][href]"),
      function (el) { return el.getAttribute("src") || el.getAttribute("href"); }
    );
    var pages = Array.prototype.map.call(
      document.querySelectorAll("[data-offline-cache][href], [data-checkpoint-url]"),
      function (a) { return a.getAttribute("data-checkpoint-url") || a.getAttribute("href"); }
    );
    keep(assets.concat([location.pathname])).then(function () {
      return keep(pages);
    }).then(function (texts) {
      var more = [];
      (texts || []).forEach(function (t) { if (t) more = more.concat(linksIn(t)); });
      return keep(more.filter(function (u) { return pages.indexOf(u) < 0; }));
    }).then(function () {
      root.setAttribute("data-offline-ready", "1");
    });
  }

  if ("serviceWorker" in navigator && root.dataset.swUrl) {
    navigator.serviceWorker.register(root.dataset.swUrl).then(function () {
      return navigator.serviceWorker.ready;
    }).then(prefetch).catch(function () { prefetch(); });
  } else {
    prefetch();
  }

  // --- The queue ----------------------------------------------------------------------------
  function entries() {
    return idb.entries(store).then(function (all) {
      return all.map(function (kv) { return kv[1]; })
        .filter(function (e) { return String(e.user || "") === user; })
        .sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
    });
  }

  function text(el, value) { el.textContent = value; }

  function render() {
    return entries().then(function (all) {
      var waiting = all.filter(function (e) { return !e.error; });
      var refused = all.filter(function (e) { return e.error; });
      var box = root.querySelector("[data-outbox]");
      if (box) {
        box.classList.toggle("d-none", !waiting.length);
        text(box.querySelector("[data-outbox-count]"), String(waiting.length));
        var list = box.querySelector("[data-outbox-list]");
        list.replaceChildren.apply(list, waiting.map(function (e) {
          var li = document.createElement("li");
          text(li, e.label + " · " + new Date(e.payload.taken_at).toLocaleTimeString());
          return li;
        }));
      }
      var bad = root.querySelector("[data-outbox-conflicts]");
      if (bad) {
        bad.classList.toggle("d-none", !refused.length);
        var items = bad.querySelector("[data-outbox-conflict-list]");
        items.replaceChildren.apply(items, refused.map(function (e) {
          var li = document.createElement("li");
          text(li, e.label + ": " + e.error);
          return li;
        }));
      }
      root.querySelectorAll("[data-testid=stop][data-checkpoint]").forEach(function (li) {
        var pending = waiting.some(function (e) {
          return String(e.payload.round) === root.dataset.roundPk &&
            String(e.payload.checkpoint) === li.dataset.checkpoint;
        });
        li.classList.toggle("list-group-item-warning", pending);
        li.toggleAttribute("data-pending", pending);
      });
      var banner = root.querySelector("[data-offline-banner]");
      if (banner) banner.classList.toggle("d-none", navigator.onLine);
      root.setAttribute("data-outbox-size", String(waiting.length));
    });
  }

  function sendOne(entry) {
    var body = new FormData();
    body.append("payload", JSON.stringify(entry.payload));
    (entry.photos || []).forEach(function (p) { body.append("photo_" + p.item, p.file, p.name || "photo.jpg"); });
    return fetch(root.dataset.syncUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() },
    }).then(function (r) {
      if (r.status === 403 || r.status === 404) return { ok: false, error: r.status === 404 ? "404" : "403" };
      if (!r.ok) throw new Error("server " + r.status);
      return r.json();
    }).then(function (result) {
      if (result.ok) return idb.del(entry.key, store);
      entry.error = result.error || "?";
      return idb.set(entry.key, entry, store);
    });
  }

  function flush() {
    if (sending || !navigator.onLine) return render();
    sending = true;
    return entries().then(function (all) {
      var chain = Promise.resolve();
      all.filter(function (e) { return !e.error; }).forEach(function (e) {
        chain = chain.then(function () { return sendOne(e); });
      });
      return chain;
    }).catch(function () { /* no signal after all: next time */ })
      .then(function () { sending = false; return render(); })
      .then(function () { root.setAttribute("data-synced", String(Date.now())); });
  }

  function queueForm(form) {
    var data = new FormData(form);
    var base = newKey(data.get("key") || "k");
    var answers = [], photos = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      var m = /^item_(\d+)$/.exec(el.name || "");
      if (!m) return;
      var item = m[1];
      if (el.type === "file") {
        if (el.files && el.files[0]) photos.push({ item: item, file: el.files[0], name: el.files[0].name });
        if (!answers.some(function (a) { return a.item === item; })) answers.push({ item: item, value: "", key: base + "-" + item });
        return;
      }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        if (!answers.some(function (a) { return a.item === item; })) answers.push({ item: item, value: "", key: base + "-" + item });
        return;
      }
      var existing = answers.filter(function (a) { return a.item === item; })[0];
      if (existing) existing.value = el.value; else answers.push({ item: item, value: el.value, key: base + "-" + item });
    });
    var entry = {
      key: base,
      user: user,
      label: form.dataset.label || "",
      queued_at: new Date().toISOString(),
      payload: {
        round: form.dataset.round,
        checkpoint: form.dataset.checkpoint,
        method: data.get("method") || "none",
        code: data.get("code") || "",
        taken_at: new Date().toISOString(),
        answers: answers,
      },
      photos: photos,
    };
    return idb.set(entry.key, entry, store);
  }

  // A checkpoint recorded without signal goes to the queue; back to its round.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-offline-form]") && !navigator.onLine) {
      event.preventDefault();
      queueForm(form).then(function () {
        var back = form.dataset.roundUrl;
        if (back) location.href = back; else render();
      });
    }
    if (form.matches("[data-scan-form]") && !navigator.onLine) {
      event.preventDefault();
      offlineScan(form);
    }
  });

  // Offline, a scanned code is matched against the round's checkpoints by its SHA-256 (the
  // page never holds the codes themselves) and opens the stored checkpoint page.
  function offlineScan(form) {
    var code = (form.querySelector("[data-scan-code]").value || "").trim().toUpperCase();
    var method = form.querySelector("[data-scan-method]").value;
    if (!window.crypto || !window.crypto.subtle) return;
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)).then(function (buf) {
      var hex = Array.prototype.map.call(new Uint8Array(buf), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      var stop = root.querySelector("[data-code-hash='" + hex + "']");
      if (!stop) {
        var err = form.closest("[data-testid=scan]").querySelector("[data-scan-unknown]");
        if (err) err.classList.remove("d-none");
        return;
      }
      sessionStorage.setItem("anju-scan:" + stop.dataset.checkpointUrl, JSON.stringify({ method: method, code: code }));
      location.href = stop.dataset.checkpointUrl;
    });
  }

  // A checkpoint page opened from an offline scan: the scan's method and code.
  var offlineForm = root.querySelector("[data-offline-form]");
  if (offlineForm) {
    var saved = sessionStorage.getItem("anju-scan:" + location.pathname);
    if (saved) {
      var scan = JSON.parse(saved);
      offlineForm.querySelector("[name=method]").value = scan.method;
      offlineForm.querySelector("[name=code]").value = scan.code;
      offlineForm.classList.remove("d-none");
      var missing = root.querySelector("[data-testid=proof-missing]");
      if (missing) missing.classList.add("d-none");
      sessionStorage.removeItem("anju-scan:" + location.pathname);
    }
  }

  root.addEventListener("click", function (event) {
    if (event.target.closest("[data-outbox-send]")) flush();
    if (event.target.closest("[data-outbox-dismiss]")) {
      entries().then(function (all) {
        return Promise.all(all.filter(function (e) { return e.error; }).map(function (e) { return idb.del(e.key, store); }));
      }).then(render);
    }
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  flush();
})();
