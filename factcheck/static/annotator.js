// Keyboard bridge of the factcheck Annotator (an anywidget module: no JupyterLab build).
// It listens for keys on the annotator's container and sends the handled ones to Python,
// which decides what they do (factcheck/session.py). Keys typed in inputs are left alone.
// It also opens a row's note field when Python asks (key e), and marks the widget stale
// when its kernel restarts or goes away, so an old view never looks live.

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function isTyping(target) {
  return target instanceof HTMLElement && (target.isContentEditable || TYPING.has(target.tagName));
}

function rowIndex(target) {
  const row = target instanceof Element ? target.closest(".fc-row") : null;
  if (!row) return -1;
  const match = /(?:^|\s)fc-row-(\d+)(?:\s|$)/.exec(row.className);
  return match ? Number(match[1]) : -1;
}

// The evidence panel (key v / r, factcheck/_evidence_form.py): the field a key was typed in.
function panelField(target) {
  const holder = target instanceof Element ? target.closest(".fc-ev-field") : null;
  const match = /(?:^|\s)fc-ev-field-(\w+)(?:\s|$)/.exec(holder?.className ?? "");
  return match ? match[1] : "";
}

function render({ model, el }) {
  let container = null;
  let tries = 0;
  // The kernel may handle messages on several threads: number them so Python can reorder.
  const view = Math.random().toString(36).slice(2);
  let seq = 0;
  const send = (message) => model.send({ ...message, view, seq: seq++ });

  // Keys in the evidence panel are the panel's: Enter commits the field's value (its change
  // event, which ipywidgets sends) and asks Python to add the item, keeping the cursor there
  // for the next URL; Escape drops the edit and closes the panel, and the list has the keys.
  const onPanelKey = (event) => {
    event.stopPropagation();
    const field = event.target;
    if (event.key === "Enter" && isTyping(field)) {
      event.preventDefault();
      field.dispatchEvent(new Event("change", { bubbles: true }));
      send({ type: "evidence", action: "enter", field: panelField(field) });
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (isTyping(field) && "fcOriginal" in field.dataset) field.value = field.dataset.fcOriginal;
      field.blur?.();
      container?.focus({ preventScroll: true });
      send({ type: "evidence", action: "close" });
    }
  };

  const onKeydown = (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target instanceof Element && event.target.closest(".fc-evidence-panel")) {
      onPanelKey(event);
      return;
    }
    if (isTyping(event.target)) {
      // Keys typed in a field or the article list are the field's: never notebook shortcuts.
      event.stopPropagation();
      // Enter commits a note (leaving the field fires its change event, which ipywidgets
      // sends); Escape cancels the edit. Either way the keys work again straight after,
      // without reaching for the mouse. Focus moves now, not after a timer: a key pressed
      // right after Enter or Escape must reach the list, never the field.
      if (event.key === "Enter" || event.key === "Escape") {
        const field = event.target;
        if (event.key === "Escape" && "fcOriginal" in field.dataset) {
          field.value = field.dataset.fcOriginal; // unchanged value: no change event, no save
        }
        event.preventDefault();
        field.blur();
        container?.focus({ preventScroll: true });
        const row = rowIndex(field);
        const how = event.key === "Enter" ? "enter" : "escape";
        if (row >= 0) send({ type: "note-closed", row, how });
      }
      return;
    }
    if (event.key === "Tab") return;
    // Every other key stays in the annotator: JupyterLab's command-mode shortcuts (1 = heading
    // cell, m = Markdown, d d = delete cell) must not act on the notebook behind it.
    event.stopPropagation();
    if (!model.get("handled_keys").includes(event.key)) return;
    event.preventDefault();
    send({ type: "key", key: event.key });
  };

  const onFocusin = (event) => {
    const field = event.target;
    if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) {
      field.dataset.fcOriginal = field.value;
    }
  };

  const onMousedown = (event) => {
    const row = rowIndex(event.target);
    if (row >= 0) send({ type: "row", row });
  };

  const scrollToFocus = () => {
    requestAnimationFrame(() => {
      // A clicked button that disabled itself (first/last page) drops focus to the page body:
      // take it back so the keys keep working.
      const active = document.activeElement;
      if (container && (!active || active === document.body)) {
        container.focus({ preventScroll: true });
      }
      const row = container?.querySelector(".fc-row.fc-focus");
      row?.scrollIntoView({ block: "nearest" });
    });
  };

  // Key e: Python names the row slot; put the cursor at the end of that row's note field.
  const openNote = () => {
    requestAnimationFrame(() => {
      const field = container?.querySelector(`.fc-row-${model.get("edit_row")} input[type=text]`);
      if (!field || field.disabled) return;
      field.focus({ preventScroll: true });
      field.setSelectionRange(field.value.length, field.value.length);
      field.closest(".fc-row")?.scrollIntoView({ block: "nearest" });
    });
  };

  // ipywidgets marks a view whose comm died (kernel restart or shutdown) with the class
  // jupyter-widgets-disconnected; the CSS shows data-fc-stale over the widget then. Keep
  // the message in place and check the state whenever the widget manager reports a change.
  // ipywidgets only does that on a restart; a kernel shut down (or swapped for another) is
  // seen on the notebook's session, which JupyterLab's widget manager exposes.
  let kernelGone = false;
  const markStale = () => {
    if (!container) return;
    container.dataset.fcStale = model.get("stale_text");
    const dead = [container, el].some((e) => e.classList.contains("jupyter-widgets-disconnected"));
    container.classList.toggle("fc-stale", dead || kernelGone);
  };
  const session = model.widget_manager?.context?.sessionContext;
  const GONE = new Set(["restarting", "autorestarting", "dead", "terminating"]);
  const onStatus = (_, status) => {
    if (GONE.has(status)) {
      kernelGone = true;
      markStale();
    }
  };
  const onKernelChanged = () => {
    kernelGone = true;
    markStale();
  };
  session?.statusChanged?.connect(onStatus);
  session?.kernelChanged?.connect(onKernelChanged);

  const attach = () => {
    container = el.closest(".fc-annotator");
    if (!container) {
      if (tries++ < 600) requestAnimationFrame(attach);
      return;
    }
    container.tabIndex = 0;
    // Capture phase: ipywidgets text fields stop keydown from bubbling, and Enter there must
    // still hand the keys back to the list.
    container.addEventListener("keydown", onKeydown, true);
    container.addEventListener("mousedown", onMousedown);
    container.addEventListener("focusin", onFocusin);
    container.dataset.fcReady = "1";
    markStale();
    staleWatch = new MutationObserver(markStale);
    for (const node of [container, el]) {
      staleWatch.observe(node, { attributes: true, attributeFilter: ["class"] });
    }
    if (model.get("autofocus")) container.focus({ preventScroll: true });
  };

  // Keys v and r: Python names the evidence panel's field; focus it once the panel is drawn
  // (it may arrive a few frames after the message).
  const focusPanelField = (tries = 0) => {
    requestAnimationFrame(() => {
      const name = model.get("panel_field");
      const field = container?.querySelector(
        `.fc-evidence-panel .fc-ev-field-${name} :is(input, textarea, select)`,
      );
      if (!field) {
        if (tries < 300) focusPanelField(tries + 1);
        return;
      }
      field.focus({ preventScroll: true });
      field.closest(".fc-evidence-panel")?.scrollIntoView({ block: "nearest" });
    });
  };
  const onPanelToken = () => focusPanelField();

  let staleWatch = null;
  model.on("change:panel_token", onPanelToken);
  model.on("change:focus_token", scrollToFocus);
  model.on("change:edit_token", openNote);
  model.on("comm_live_update", () => setTimeout(markStale, 0));
  attach();
  return () => {
    staleWatch?.disconnect();
    session?.statusChanged?.disconnect(onStatus);
    session?.kernelChanged?.disconnect(onKernelChanged);
    model.off("change:panel_token", onPanelToken);
    model.off("change:focus_token", scrollToFocus);
    model.off("change:edit_token", openNote);
    container?.removeEventListener("keydown", onKeydown, true);
    container?.removeEventListener("mousedown", onMousedown);
    container?.removeEventListener("focusin", onFocusin);
  };
}

export default { render };
