// Installed in every page of a browser test (the `browser` fixture in tests/e2e/conftest.py) and of the load test
// (benchmarks/load.py) before the app's own code; tests/e2e/script_runs.py fills in the field numbers.
// Follows the app's websocket to tell when the script runs that the page asked for have started and ended.
// Streamlit's front end cannot say so by itself: its `data-test-script-state` reads "notRunning" both
// before a requested run has started (a widget's rerun request does not change it) and after it has ended,
// and a short run can start and end within one render, so "running" is never seen at all.
(() => {
  const RERUN_SCRIPT = __RERUN_SCRIPT__; // BackMsg.rerun_script: the page asks for a run
  const NEW_SESSION = __NEW_SESSION__; // ForwardMsg.new_session: a run (or a fragment's run) started
  const SCRIPT_FINISHED = __SCRIPT_FINISHED__; // ForwardMsg.script_finished: a run ended...
  const FINISHED_EARLY_FOR_RERUN = __FINISHED_EARLY_FOR_RERUN__; // ...only to start again (st.rerun, a new request)

  const runs = {
    requested: 0, // rerun requests this page sent
    answered: 0, // requests sent before the latest run started
    running: false,
    finished: 0, // runs that ended for good
    lastRequestAt: 0,
    lastEventAt: 0, // the latest request, start or end, in performance.now() milliseconds
    requestedWhenSettled: 0, // `requested` when a test last found the page settled
    waitToken: null,
    waitStartedAt: 0,
  };
  window.__portfolioRuns = runs;

  function bytesOf(data) {
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return null;
  }

  // The top-level fields of a protobuf message: field number -> its value for varints, else true.
  function topLevelFields(bytes) {
    const fields = new Map();
    let at = 0;
    const varint = () => {
      let value = 0;
      let scale = 1;
      let byte;
      do {
        byte = bytes[at++];
        value += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80 && at < bytes.length);
      return value;
    };
    while (at < bytes.length) {
      const key = varint();
      const wireType = key % 8;
      const field = Math.floor(key / 8);
      if (wireType === 0) fields.set(field, varint());
      else if (wireType === 2) {
        const length = varint();
        at += length;
        fields.set(field, true);
      } else if (wireType === 1) at += 8;
      else if (wireType === 5) at += 4;
      else break; // not a message this script understands: stop reading it
    }
    return fields;
  }

  const NativeWebSocket = window.WebSocket;
  class TrackedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        const bytes = bytesOf(event.data);
        if (!bytes) return;
        const fields = topLevelFields(bytes);
        const now = performance.now();
        if (fields.has(NEW_SESSION)) {
          runs.answered = runs.requested;
          runs.running = true;
          runs.lastEventAt = now;
        }
        if (fields.has(SCRIPT_FINISHED)) {
          runs.lastEventAt = now;
          if (fields.get(SCRIPT_FINISHED) !== FINISHED_EARLY_FOR_RERUN) {
            runs.running = false;
            runs.finished += 1;
          }
        }
      });
    }

    send(data) {
      const bytes = bytesOf(data);
      if (bytes && topLevelFields(bytes).has(RERUN_SCRIPT)) {
        runs.requested += 1;
        runs.lastRequestAt = runs.lastEventAt = performance.now();
      }
      return super.send(data);
    }
  }
  window.WebSocket = TrackedWebSocket;

  // True once the page is settled: every run it asked for has started and ended, the front end shows the
  // app connected and not running with nothing left to load, and nothing has happened for `quietMs` (longer
  // after several requests, whose runs may be answered out of step). A request that no run answers within
  // `startLimitMs` (the server drops a rerun of a fragment that a full run removed) is given up on.
  // `token` marks one wait: each wait watches for at least `quietMs` from its start, so a request the
  // action sends a moment later is still seen.
  window.__portfolioSettled = ({ token, quietMs, severalQuietMs, startLimitMs }) => {
    const now = performance.now();
    if (runs.waitToken !== token) {
      runs.waitToken = token;
      runs.waitStartedAt = now;
    }
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== "notRunning") return false;
    if (app.dataset.testConnectionState !== "CONNECTED") return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    if (runs.finished === 0 || runs.running) return false;
    if (runs.answered < runs.requested && now - runs.lastRequestAt < startLimitMs) return false;
    const several = runs.requested - runs.requestedWhenSettled > 1;
    const quiet = several ? severalQuietMs : quietMs;
    if (now - runs.lastEventAt < quiet || now - runs.waitStartedAt < quietMs) return false;
    runs.requestedWhenSettled = runs.requested;
    return true;
  };
})();
