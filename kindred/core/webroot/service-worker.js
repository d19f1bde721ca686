// Kindred's service worker, served at /service-worker.js (whitenoise's WHITENOISE_ROOT, see
// kindred/core/webapp.py) so that its scope is the whole site. It does two things only: it shows
// the web push notifications Kindred sends (kindred/board/push.py), and opens the post a
// notification is about when it is clicked. It has no fetch handler and never touches the Cache
// API: every page, private ones above all, is fetched from the server as if there were no service
// worker, and nothing is kept on the device.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  var options = {
    body: data.body || "",
    // The same tag replaces a notification already shown: a push sent twice shows once.
    tag: data.tag || "kindred",
    lang: data.lang || "",
    dir: data.dir === "rtl" ? "rtl" : "ltr",
    icon: data.icon || "/static/kindred/icons/icon-192.png",
    data: { path: data.path || "/" }
  };
  event.waitUntil(self.registration.showNotification(data.title || "Kindred", options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var path = (event.notification.data && event.notification.data.path) || "/";
  // Only ever a page of this site: the path is resolved on the worker's own origin.
  var target = new URL(path, self.location.origin);
  if (target.origin !== self.location.origin) {
    target = new URL("/", self.location.origin);
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (windows[i].url === target.href && "focus" in windows[i]) {
          return windows[i].focus();
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});
