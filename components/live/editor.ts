/**
 * The lab's editors, on CodeMirror 6 (this module is its own chunk, loaded
 * by `loadEditor()` on first use): the scenario (YAML highlighting, the
 * loader's errors marked at their line and column), a Node's flows (add-flows
 * syntax, errors as ovs-ofctl words them), and a plain text editor.
 *
 * Edits reach the store as transactions after a short pause in typing; a
 * transaction from elsewhere (Reset, a restored state) replaces the text.
 */
import { EditorState, RangeSet, StateEffect, StateField, type Extension, type Range } from "@codemirror/state";
import {
  Decoration, EditorView, GutterMarker, drawSelection, gutter, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
  placeholder as placeholderExt, type DecorationSet,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { yaml } from "@codemirror/lang-yaml";
import { tags as t } from "@lezer/highlight";
import type {
  EditorHandle, EditorModule, FlowsEditorOptions, Problem, ScenarioEditorOptions, TextEditorOptions, Transaction,
} from "../../src/live/client.ts";

const labHighlight = HighlightStyle.define([
  { tag: [t.keyword, t.operatorKeyword], class: "cm-t-kw" },
  { tag: [t.propertyName, t.definition(t.propertyName)], class: "cm-t-prop" },
  { tag: [t.string, t.special(t.string)], class: "cm-t-str" },
  { tag: [t.number, t.bool, t.null, t.atom], class: "cm-t-num" },
  { tag: [t.comment, t.lineComment], class: "cm-t-comment" },
  { tag: [t.meta, t.processingInstruction, t.labelName], class: "cm-t-meta" },
  { tag: [t.function(t.variableName)], class: "cm-t-fn" },
]);

/** add-flows syntax: `key=`, `actions=`, action names, `#` comments. */
const flowsLanguage = StreamLanguage.define<{ actions: boolean }>({
  name: "ovs-flows",
  startState: () => ({ actions: false }),
  token(stream, state) {
    if (stream.sol()) state.actions = false;
    if (stream.eatSpace()) return null;
    if (stream.peek() === "#") {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match(/^actions?=/)) {
      state.actions = true;
      return "keyword";
    }
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*(?==)/)) {
      stream.next();
      return "propertyName";
    }
    if (state.actions && stream.match(/^[A-Za-z_][A-Za-z0-9_]*(?=[:(])/)) return "function";
    if (stream.match(/^(0x[0-9a-fA-F]+|\d+)(?![\w.:])/)) return "number";
    stream.next();
    return null;
  },
  tokenTable: { function: t.function(t.variableName) },
});

const baseTheme = EditorView.theme({
  "&": { fontSize: "0.8rem", maxHeight: "var(--live-editor-max, 22rem)" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", overflow: "auto" },
  ".cm-content": { caretColor: "var(--fg)" },
});

// ---------------------------------------------------------------- error markers
// (A few lines instead of @codemirror/lint: a mark on the offending text and
// a marker in the gutter, both carrying the tool's message as their title.)

interface Diagnostic {
  readonly from: number;
  readonly to: number;
  readonly message: string;
}

const setProblems = StateEffect.define<readonly Diagnostic[]>();

class ProblemMarker extends GutterMarker {
  readonly message: string;
  constructor(message: string) {
    super();
    this.message = message;
  }
  override eq(other: GutterMarker): boolean {
    return other instanceof ProblemMarker && other.message === this.message;
  }
  override toDOM(): Node {
    const el = document.createElement("span");
    el.className = "cm-lint-marker cm-lint-marker-error";
    el.title = this.message;
    el.textContent = "●";
    return el;
  }
}

const problemsField = StateField.define<{ marks: DecorationSet; markers: RangeSet<GutterMarker> }>({
  create: () => ({ marks: Decoration.none, markers: RangeSet.empty }),
  update(value, tr) {
    let { marks, markers } = value;
    if (tr.docChanged) {
      marks = marks.map(tr.changes);
      markers = markers.map(tr.changes);
    }
    for (const e of tr.effects) {
      if (!e.is(setProblems)) continue;
      const sorted = [...e.value].sort((a, b) => a.from - b.from || a.to - b.to);
      marks = Decoration.set(
        sorted.map((d) => Decoration.mark({ class: "cm-lintRange cm-lintRange-error", attributes: { title: d.message } }).range(d.from, d.to)),
        true,
      );
      const perLine = new Map<number, string[]>();
      for (const d of sorted) {
        const at = tr.state.doc.lineAt(d.from).from;
        perLine.set(at, [...(perLine.get(at) ?? []), d.message]);
      }
      markers = RangeSet.of([...perLine].map(([at, msgs]): Range<GutterMarker> => new ProblemMarker(msgs.join("\n")).range(at)), true);
    }
    return { marks, markers };
  },
  provide: (f) => [
    EditorView.decorations.from(f, (v) => v.marks),
    gutter({ class: "cm-gutter-lint", markers: (view) => view.state.field(f).markers }),
  ],
});

function toDiagnostics(view: EditorView, problems: readonly Problem[]): Diagnostic[] {
  const doc = view.state.doc;
  return problems.map((p) => {
    const line = doc.line(Math.max(1, Math.min(doc.lines, p.line)));
    const from = Math.min(line.to, line.from + Math.max(0, p.column - 1));
    let to = p.length !== undefined ? Math.min(doc.length, from + p.length) : line.to;
    if (to <= from) to = Math.min(line.to, from + 1);
    return { from, to, message: p.text };
  });
}

interface Base {
  readonly view: EditorView;
  handle: EditorHandle;
}

function make(parent: HTMLElement, doc: string, label: string, extensions: Extension[], onChange: (text: string) => void, debounceMs: number): Base {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let silent = false;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    onChange(view.state.doc.toString());
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        syntaxHighlighting(labHighlight),
        problemsField,
        baseTheme,
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged || silent) return;
          if (timer !== undefined) clearTimeout(timer);
          timer = setTimeout(flush, debounceMs);
        }),
        EditorView.domEventHandlers({ blur: () => void (timer !== undefined && flush()) }),
        ...extensions,
      ],
    }),
  });
  const handle: EditorHandle = {
    focus: () => view.focus(),
    setProblems: (problems) => view.dispatch({ effects: setProblems.of(toDiagnostics(view, problems)) }),
    setText: (text) => {
      if (text === view.state.doc.toString()) return;
      silent = true;
      try {
        const head = Math.min(view.state.selection.main.head, text.length);
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: head } });
      } finally {
        silent = false;
      }
    },
    get text() {
      return view.state.doc.toString();
    },
    destroy: () => {
      if (timer !== undefined) flush();
      view.destroy();
    },
  };
  return { view, handle };
}

export function createScenarioEditor(parent: HTMLElement, opts: ScenarioEditorOptions): EditorHandle {
  const { store } = opts;
  const b = make(
    parent,
    store.state.scenarioText,
    opts.label ?? "Scenario YAML",
    [yaml()],
    (text) => store.dispatch({ scenarioText: text, origin: "editor" }),
    opts.debounceMs ?? 120,
  );
  let seq = 0;
  const refresh = async (): Promise<void> => {
    const mine = ++seq;
    try {
      const st = await store.client.status();
      if (mine === seq) b.handle.setProblems(st.scenarioErrors);
    } catch {
      // A newer request superseded it, or the worker is gone.
    }
  };
  const off = store.subscribe((tr: Transaction) => {
    if (!tr.changed.has("scenario")) return;
    if (tr.origin !== "editor") b.handle.setText(tr.state.scenarioText);
    void refresh();
  });
  const destroy = b.handle.destroy;
  b.handle.destroy = () => {
    off();
    destroy();
  };
  return b.handle;
}

export function createFlowsEditor(parent: HTMLElement, opts: FlowsEditorOptions): EditorHandle {
  const { store } = opts;
  const key = opts.table === undefined ? opts.node : `${opts.node}:${opts.table}`;
  const b = make(
    parent,
    opts.initialText,
    opts.label ?? `Flows of br-int on ${opts.node}`,
    [flowsLanguage],
    (text) => store.dispatch({ flows: { node: key, text }, origin: "flows-editor" }),
    opts.debounceMs ?? 150,
  );
  const off = store.subscribe((tr: Transaction) => {
    if (!tr.changed.has("flows") || tr.origin === "flows-editor") return;
    const text = tr.state.flowOverrides[key];
    if (text !== undefined) b.handle.setText(text);
  });
  const destroy = b.handle.destroy;
  b.handle.destroy = () => {
    off();
    destroy();
  };
  return b.handle;
}

export function createTextEditor(parent: HTMLElement, opts: TextEditorOptions): EditorHandle {
  const lang = opts.language === "yaml" ? [yaml()] : opts.language === "flows" ? [flowsLanguage] : [];
  return make(parent, opts.text, opts.label ?? "Text", [...lang, placeholderExt("")], (text) => opts.onChange?.(text), opts.debounceMs ?? 150).handle;
}

const mod: EditorModule = { createScenarioEditor, createFlowsEditor, createTextEditor };
export default mod;
