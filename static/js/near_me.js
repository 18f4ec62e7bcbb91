// The public program directory's "Use my location": asks the browser where it is and posts the
// point to the server, which sends the browser on to the area it lies in (?area=CODE). A post,
// so that the point is in no address: not in the history, nor in any server's access log.
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
        var form = document.createElement("form");
        form.method = "post";
        form.action = button.dataset.nearMe;
        [["lat", position.coords.latitude], ["lon", position.coords.longitude]].forEach(function (pair) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = pair[0];
          input.value = pair[1].toFixed(4);
          form.appendChild(input);
        });
        document.body.appendChild(form);
        form.submit();
      },
      function () {
        status.textContent = "Your location could not be found. Choose your area from the list instead.";
      },
      {timeout: 10000, maximumAge: 600000}
    );
  });
})();
