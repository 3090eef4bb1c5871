// casp — améliorations progressives : tout fonctionne sans ce fichier.
(function () {
  "use strict";
  // Marks the page as scripted: what only serves without script (.sans-js)
  // is hidden by the style sheet.
  document.documentElement.classList.add("js");
  // On a narrow screen the navigation folds behind « Menu » (without this
  // file it stays open, as on a wide screen).
  var toggle = document.querySelector("button.nav-toggle");
  if (toggle) {
    document.documentElement.classList.add("js-nav");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.closest(".main-nav").classList.toggle("nav-open", open);
    });
  }

  // Heatmap: the full text of a capacity column, shown above the table
  // when its heading is hovered or focused (its title says it without JS).
  var capInfo = document.getElementById("cap-info");
  if (capInfo) {
    capInfo.classList.remove("js-only");
    var show = function (e) {
      var a = e.target.closest(".heatmap thead a[title]");
      if (a) { capInfo.textContent = a.textContent + " — " + a.getAttribute("title"); }
    };
    var head = document.querySelector(".heatmap thead");
    if (head) {
      head.addEventListener("focusin", show);
      head.addEventListener("mouseover", show);
    }
  }

  // « Imprimer » buttons (the browser's own print menu does it without JS).
  Array.prototype.forEach.call(document.querySelectorAll("[data-imprimer]"), function (b) {
    b.classList.remove("js-only");
    b.addEventListener("click", function () { window.print(); });
  });

  // Editors that grow in place: « Ajouter une question / une phase / un
  // acteur / une relation » copies the row's <template>, its placeholders
  // (__i__, __in__ for a row; __j__, __jn__ for a question) replaced by the
  // next index and number. Without script, « Ajouter des lignes » saves the
  // draft and the server adds empty rows.
  var reveal = function (root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-ajouter]"), function (b) {
      b.classList.remove("js-only");
      var p = b.closest(".row-actions.js-only");
      if (p) { p.classList.remove("js-only"); }
    });
  };
  reveal(document);
  // The actors a relation can link: those of the list above, including
  // one typed a moment ago (sent as « ligne:N » until it has an id).
  var actorList = document.getElementById("acteurs-liste");
  var relationList = document.getElementById("relations-liste");
  var syncActors = function () {
    if (!actorList || !relationList) { return; }
    var actors = [];
    Array.prototype.forEach.call(actorList.querySelectorAll("tr[data-ligne]"), function (row) {
      var name = row.querySelector("input[name$='.nom']");
      var id = row.querySelector("input[name$='.id']");
      var m = name && /^acteurs\[(\d+)\]/.exec(name.name);
      if (!m || !name.value.trim()) { return; }
      actors.push({ value: id.value || "ligne:" + m[1], label: name.value.trim() });
    });
    Array.prototype.forEach.call(relationList.querySelectorAll("select[name$='.de'], select[name$='.vers']"), function (sel) {
      // The choice made survives a name being retyped (emptied a moment).
      var current = sel.getAttribute("data-choix") || sel.value;
      while (sel.options.length > 1) { sel.remove(1); }
      actors.forEach(function (a) {
        var o = new Option(a.label, a.value);
        o.selected = a.value === current;
        sel.add(o);
      });
    });
  };
  if (relationList) {
    relationList.addEventListener("change", function (e) {
      if (e.target.tagName === "SELECT") { e.target.setAttribute("data-choix", e.target.value); }
    });
  }
  if (actorList) {
    actorList.addEventListener("input", function (e) {
      if (e.target.name && /\.nom$/.test(e.target.name)) { syncActors(); }
    });
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-ajouter]");
    if (!b) { return; }
    var tpl = document.getElementById(b.getAttribute("data-ajouter"));
    var target = tpl && document.getElementById(tpl.getAttribute("data-dans"));
    if (!target) { return; }
    e.preventDefault();
    var key = tpl.getAttribute("data-cle");
    var n = target.querySelectorAll(":scope > [data-ligne]").length;
    var html = tpl.innerHTML.split("__" + key + "n__").join(String(n + 1)).split("__" + key + "__").join(String(n));
    target.insertAdjacentHTML("beforeend", html);
    var added = target.lastElementChild;
    reveal(added);
    if (target === relationList) { syncActors(); }
    var first = added.querySelector("input:not([type=hidden]), textarea, select");
    if (first) { first.focus(); }
  });

  // Irreversible actions: the server's confirmation page (what will happen
  // to what) opens in a dialog over the form instead of on its own page.
  // Without this file, or when anything goes wrong, the page is used.
  if (window.fetch && window.DOMParser && typeof HTMLDialogElement === "function") {
    document.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-confirmer]");
      if (!b || !b.form || b.form.getAttribute("data-envoi") === "1") { return; }
      e.preventDefault();
      var form = b.form;
      var data = new FormData(form);
      if (b.name) { data.append(b.name, b.value); }
      var multipart = form.enctype === "multipart/form-data";
      var plain = function () {
        form.setAttribute("data-envoi", "1");
        b.click();
      };
      b.disabled = true;
      fetch(b.getAttribute("formaction") || form.getAttribute("action") || location.pathname, {
        method: "POST", credentials: "same-origin",
        body: multipart ? data : new URLSearchParams(data)
      }).then(function (r) {
        b.disabled = false;
        if (r.redirected) { location.href = r.url; return null; }
        return r.text();
      }).then(function (html) {
        if (html === null) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var box = doc.querySelector(".confirmation");
        if (!box || !box.querySelector("form.confirm-form")) { plain(); return; }
        var dlg = document.createElement("dialog");
        dlg.className = "confirm-dialog";
        box = document.importNode(box, true);
        var h1 = box.querySelector("h1");
        var title = document.createElement("h2");
        title.id = "dialogue-titre";
        title.tabIndex = -1;
        title.textContent = h1.textContent;
        h1.parentNode.replaceChild(title, h1);
        dlg.setAttribute("aria-labelledby", "dialogue-titre");
        dlg.appendChild(box);
        var cancel = box.querySelector(".confirm-form a");
        if (cancel) {
          cancel.setAttribute("role", "button");
          cancel.addEventListener("click", function (ev) { ev.preventDefault(); dlg.close(); });
        }
        dlg.addEventListener("close", function () {
          dlg.parentNode.removeChild(dlg);
          b.focus();
        });
        document.body.appendChild(dlg);
        dlg.showModal();
        title.focus();
      }).catch(function () { b.disabled = false; plain(); });
    });
  }

  // A link to something inside a folded activity unfolds it (browsers
  // that do not do it themselves).
  var unfold = function () {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (var d = el && el.closest("details"); d; d = d.parentElement.closest("details")) { d.open = true; }
    if (el) { el.scrollIntoView(); }
  };
  if (document.querySelector("details.fold")) {
    if (location.hash) { unfold(); }
    window.addEventListener("hashchange", unfold);
  }

  // Folded activities print unfolded, then fold back.
  var folded = [];
  window.addEventListener("beforeprint", function () {
    folded = Array.prototype.filter.call(document.querySelectorAll("details.fold:not([open])"), function (d) { d.open = true; return true; });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (d) { d.open = false; });
    folded = [];
  });

  // Move focus to the error summary so screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Live preview of a Markdown draft: the same rendering as the server's
  // « Prévisualiser » button, fetched as the learner types. Nothing is saved.
  var editor = document.querySelector("textarea[data-apercu]");
  var preview = document.getElementById("apercu-contenu");
  if (editor && preview && window.fetch) {
    var section = document.getElementById("apercu");
    var counts = document.getElementById("compteurs");
    var token = editor.form.querySelector("input[name=_csrf]").value;
    var timer = null;
    var refresh = function () {
      var body = new URLSearchParams();
      body.set("_csrf", token);
      body.set("draft", editor.value);
      fetch(editor.getAttribute("data-apercu"), { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          preview.innerHTML = data.html; // sanitised by the server (goldmark + bluemonday)
          if (section) { section.classList.remove("js-only"); }
          if (counts) {
            counts.textContent = data.mots + (data.mots > 1 ? " mots" : " mot") + " · environ " +
              String(data.pages).replace(".", ",") + (data.pages > 1 ? " pages" : " page") + " (350 mots par page)";
          }
        });
    };
    editor.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    });
  }

  // Heatmap: a cell leads to that capacity's evidence in the learner's
  // dossier (without this file, the learner's name leads to the
  // progression, where the evidence is too).
  var heatmap = document.querySelector("table.heatmap");
  if (heatmap) {
    heatmap.classList.add("cliquable");
    heatmap.addEventListener("click", function (e) {
      var cell = e.target.closest("tbody td");
      if (!cell || cell.classList.contains("num") || cell.classList.contains("vide")) { return; }
      var row = cell.parentNode;
      var learner = row.querySelector("th a");
      var col = heatmap.tHead.rows[0].cells[cell.cellIndex];
      var cap = col && col.querySelector("a");
      if (!learner || !cap) { return; }
      var id = learner.getAttribute("href").split("/")[2];
      var capID = cap.getAttribute("href").split("#")[1];
      window.location.href = "/apprenants/" + id + "/dossier#cap-" + capID;
    });
  }

  // Jury sheet: a timer for the passage (the time left, then the time
  // over), announced to screen readers at five minutes and at the end.
  Array.prototype.forEach.call(document.querySelectorAll("[data-minuterie]"), function (box) {
    var total = parseInt(box.getAttribute("data-minuterie"), 10) * 60;
    var shown = box.querySelector(".timer-time");
    var alert = box.querySelector(".timer-alert");
    var start = box.querySelector("[data-minuterie-action=start]");
    var reset = box.querySelector("[data-minuterie-action=reset]");
    var elapsed = 0, running = null, said = {};
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var draw = function () {
      var left = total - elapsed, abs = Math.abs(left);
      shown.textContent = (left < 0 ? "+" : "") + Math.floor(abs / 60) + ":" + pad(abs % 60);
      box.classList.toggle("depasse", left < 0);
      if (left === 300 && !said[300]) { said[300] = true; alert.textContent = "Plus que cinq minutes."; }
      if (left === 0 && !said[0]) { said[0] = true; alert.textContent = "Temps écoulé."; }
    };
    start.addEventListener("click", function () {
      if (running) {
        clearInterval(running); running = null; start.textContent = "Reprendre";
      } else {
        running = setInterval(function () { elapsed++; draw(); }, 1000); start.textContent = "Pause";
      }
    });
    reset.addEventListener("click", function () {
      if (running) { clearInterval(running); running = null; }
      elapsed = 0; said = {}; start.textContent = "Démarrer"; draw();
    });
    box.classList.remove("js-only");
    draw();
  });

  // Jury sheet: what the member types is sent as they type (a second after
  // the last keystroke) and kept on the device until the server has it, so
  // that a dropped connection loses nothing: the copy is sent again when
  // the network returns, or restored when the page is opened again.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-sauvegarde]"), function (form) {
    if (!window.fetch || !window.URLSearchParams) { return; }
    var key = "casp:" + form.getAttribute("data-sauvegarde");
    var status = document.querySelector(".save-status");
    var timer = null, pending = false;
    var store = null;
    try { store = window.localStorage; } catch (e) { store = null; }
    var say = function (text, offline) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("hors-ligne", !!offline);
    };
    var fields = function () {
      var out = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name === "_csrf" || el.type === "submit" || el.disabled) { return; }
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
        out.push([el.name, el.value]);
      });
      return out;
    };
    var send = function () {
      pending = false;
      var data = fields();
      var body = new URLSearchParams();
      body.set("_csrf", form.querySelector("input[name=_csrf]").value);
      body.set("action", "enregistrer");
      data.forEach(function (kv) { body.append(kv[0], kv[1]); });
      fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin", headers: { "X-Enregistrement": "auto" } })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, j: j }; }); })
        .then(function (res) {
          if (res.ok && res.j.enregistre) {
            if (store && !pending) { store.removeItem(key); }
            say("Enregistré à " + res.j.a + ".");
          } else if (res.status === 403 || res.status === 404 || res.status === 409) {
            // Refused for good (not on the jury, no such passage, sheet
            // frozen): a copy kept here would come back over the page.
            if (store) { store.removeItem(key); }
            say("Non enregistré : " + (res.j.message || "cette feuille ne se modifie pas.") + " Rechargez la page.", true);
          } else {
            say("Non enregistré : " + (res.j.message || "vérifiez la saisie") + " Votre saisie reste sur cet appareil.", true);
          }
        })
        .catch(function () {
          say("Hors connexion : votre saisie est gardée sur cet appareil et sera envoyée au retour du réseau.", true);
        });
    };
    var keep = function () {
      if (store) { try { store.setItem(key, JSON.stringify(fields())); } catch (e) { /* full: the server copy remains */ } }
      pending = true;
      say("Modifications en cours d'enregistrement…");
      clearTimeout(timer);
      timer = setTimeout(send, 1000);
    };
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () { if (store) { store.removeItem(key); } });
    window.addEventListener("online", function () { if (store && store.getItem(key)) { send(); } });
    // A copy the server never received (the connection dropped, the page
    // was closed): put it back in the form, then send it.
    var saved = store && store.getItem(key);
    if (saved) {
      try {
        JSON.parse(saved).forEach(function (kv) {
          Array.prototype.forEach.call(form.elements, function (el) {
            if (el.name !== kv[0] || el.disabled || el.readOnly) { return; }
            if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === kv[1]; } else { el.value = kv[1]; }
          });
        });
        say("Saisie non envoyée retrouvée sur cet appareil : envoi en cours…", true);
        send();
      } catch (e) { store.removeItem(key); }
    }
  });
})();
