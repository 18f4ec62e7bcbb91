// The public program directory's "Use my location": asks the browser where it is and sends the
// point to the server, which answers with the area it lies in (the point itself is not kept).
(function () {
  "use strict";
  var button = document.querySelector("[data-near-me]");
  var status = document.getElementById("near-me-status");
  if (!button || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Finding your location...";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var query = new URLSearchParams({
          lat: position.coords.latitude.toFixed(4),
          lon: position.coords.longitude.toFixed(4)
        });
        window.location.assign(button.dataset.nearMe + "?" + query.toString());
      },
      function () {
        status.textContent = "Your location could not be found. Choose your area from the list instead.";
      },
      {timeout: 10000, maximumAge: 600000}
    );
  });
})();
