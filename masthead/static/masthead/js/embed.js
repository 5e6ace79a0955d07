// Turn a video's local poster into the provider's player, only when the reader
// asks for it: until then the page makes no request to YouTube or Vimeo.
(function () {
  "use strict";
  var players = {
    youtube: function (id) {
      return "https://www.youtube-nocookie.com/embed/" + id + "?autoplay=1";
    },
    vimeo: function (id) {
      return "https://player.vimeo.com/video/" + id + "?autoplay=1&dnt=1";
    }
  };
  var validId = { youtube: /^[A-Za-z0-9_-]{11}$/, vimeo: /^[0-9]+$/ };

  document.addEventListener("click", function (event) {
    var poster = event.target.closest && event.target.closest(".embed__poster");
    if (!poster) return;
    var figure = poster.closest(".embed");
    var provider = figure && figure.getAttribute("data-embed-provider");
    var id = figure && figure.getAttribute("data-embed-id");
    if (!players[provider] || !validId[provider].test(id || "")) return;
    event.preventDefault();
    var iframe = document.createElement("iframe");
    iframe.src = players[provider](id);
    iframe.title = poster.textContent.trim();
    iframe.allow = "autoplay; fullscreen; picture-in-picture";
    iframe.allowFullscreen = true;
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    figure.replaceChild(iframe, poster);
    iframe.focus();
  });
})();
