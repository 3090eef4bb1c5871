// casp — améliorations progressives : tout fonctionne sans ce fichier.
(function () {
  "use strict";
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
})();
