// The installable web app, by progressive enhancement (docs/board.md, "Push notifications"): in a
// browser with service workers, every page registers /service-worker.js (which shows push
// notifications and caches nothing); a page with the push control (the notification settings)
// lets the person turn web push on or off for this browser. Without JavaScript, or in a browser
// without these, nothing changes: the site works as before and e-mails reach people as before.
(function () {
  "use strict";

  if (!("serviceWorker" in navigator)) return;
  var registered = navigator.serviceWorker.register("/service-worker.js", { scope: "/" });
  registered.catch(function () { /* the site works without it */ });

  function keyBytes(base64url) {
    var text = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, fields, token) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
    return window.fetch(url, {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response;
    });
  }

  function control(box) {
    var unsupported = document.querySelector("[data-push-unsupported]");
    if (!("PushManager" in window) || !("Notification" in window) || !window.fetch) return;
    var status = box.querySelector("[data-push-status]");
    var button = box.querySelector("button");
    var token = box.querySelector("input[name=csrfmiddlewaretoken]").value;
    var known = JSON.parse(box.getAttribute("data-endpoints") || "[]");
    var on = false;
    box.hidden = false;
    if (unsupported) unsupported.hidden = true;

    function show(isOn, message) {
      on = isOn;
      button.textContent = box.getAttribute(isOn ? "data-label-off" : "data-label-on");
      button.disabled = false;
      status.textContent = message || box.getAttribute(isOn ? "data-said-on" : "data-said-off");
    }

    function failed(error) {
      var denied = window.Notification.permission === "denied";
      show(on, box.getAttribute(denied ? "data-said-denied" : "data-said-failed"));
      if (window.console && error) window.console.warn("Kindred push:", error);
    }

    function subscribe(registration) {
      var options = { userVisibleOnly: true, applicationServerKey: keyBytes(box.getAttribute("data-key")) };
      return registration.pushManager.subscribe(options).catch(function (error) {
        // A subscription made with an earlier key of the installation: replaced by a new one.
        if (error && error.name === "InvalidStateError") {
          return registration.pushManager.getSubscription().then(function (old) {
            return (old ? old.unsubscribe() : Promise.resolve()).then(function () {
              return registration.pushManager.subscribe(options);
            });
          });
        }
        throw error;
      });
    }

    function turnOn(registration) {
      return window.Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error("permission " + permission);
        return subscribe(registration);
      }).then(function (subscription) {
        var keys = subscription.toJSON().keys || {};
        return post(box.getAttribute("data-subscribe"), {
          endpoint: subscription.endpoint, p256dh: keys.p256dh || "", auth: keys.auth || ""
        }, token);
      }).then(function () { window.location.reload(); });
    }

    function turnOff(registration) {
      return registration.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) return null;
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(box.getAttribute("data-unsubscribe"), { endpoint: endpoint }, token);
        });
      }).then(function () { window.location.reload(); });
    }

    registered.then(function () { return navigator.serviceWorker.ready; }).then(function (registration) {
      button.addEventListener("click", function () {
        button.disabled = true;
        status.textContent = box.getAttribute("data-said-working");
        (on ? turnOff(registration) : turnOn(registration)).catch(failed);
      });
      return registration.pushManager.getSubscription().then(function (subscription) {
        show(Boolean(subscription && known.indexOf(subscription.endpoint) !== -1));
      });
    }).catch(failed);
  }

  function start() {
    var box = document.querySelector("[data-push-control]");
    if (box) control(box);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
