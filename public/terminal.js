// The exec terminal's glue: an xterm.js terminal in the container page, wired to a WebSocket on
// /ws/exec/<id>. Keystrokes and sizes go up as JSON text frames; the shell's output comes down as
// binary frames. Loaded only on the container page, after /vendor/xterm/{xterm,addon-fit}.js.
(function () {
  "use strict";

  // Opens a terminal in `element` attached to `wsUrl`. `onState` (optional) hears "open",
  // "closed" and "error". Returns a handle whose close() ends the session.
  function open(element, wsUrl, onState) {
    var notify = typeof onState === "function" ? onState : function () {};
    if (element.gantryTerminal) {
      element.gantryTerminal.dispose();
    }
    var term = new window.Terminal({
      cursorBlink: true,
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      fontSize: 13,
      scrollback: 5000,
    });
    var fit = new window.FitAddon.FitAddon();
    term.loadAddon(fit);
    term.open(element);
    fit.fit();

    var socket = new WebSocket(wsUrl);
    socket.binaryType = "arraybuffer";
    var failed = false;

    function send(message) {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(message));
      }
    }
    function sendSize() {
      send({ type: "resize", cols: term.cols, rows: term.rows });
    }
    function refit() {
      fit.fit();
    }
    function closeSocket() {
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) {
        socket.close(1000, "closed by the user");
      }
    }
    function unlisten() {
      window.removeEventListener("resize", refit);
      window.removeEventListener("pagehide", closeSocket);
      window.removeEventListener("beforeunload", closeSocket);
    }

    var inputs = term.onData(function (data) {
      send({ type: "input", data: data });
    });
    var sizes = term.onResize(sendSize);
    window.addEventListener("resize", refit);
    // Closing the tab or leaving the page ends the shell at once, not at a timeout.
    window.addEventListener("pagehide", closeSocket);
    window.addEventListener("beforeunload", closeSocket);

    socket.onopen = function () {
      sendSize();
      term.focus();
      notify("open");
    };
    socket.onmessage = function (event) {
      term.write(typeof event.data === "string" ? event.data : new Uint8Array(event.data));
    };
    socket.onerror = function () {
      failed = true;
    };
    socket.onclose = function () {
      inputs.dispose();
      sizes.dispose();
      unlisten();
      term.write("\r\n\x1b[2m[session closed]\x1b[0m\r\n");
      notify(failed ? "error" : "closed");
    };

    var handle = {
      close: closeSocket,
      dispose: function () {
        socket.onclose = null;
        socket.onmessage = null;
        closeSocket();
        inputs.dispose();
        sizes.dispose();
        unlisten();
        term.dispose();
        element.gantryTerminal = undefined;
      },
    };
    element.gantryTerminal = handle;
    return handle;
  }

  // Ends the session of the terminal in `element`, if one is open.
  function close(element) {
    if (element.gantryTerminal) {
      element.gantryTerminal.close();
    }
  }

  window.gantryTerminal = { open: open, close: close };
})();
