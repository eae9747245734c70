// The query page's SPARQL editor: CodeMirror 6 with a SPARQL grammar, and completion of prefixes, classes,
// predicates, variables and entity names from the store's vocabulary (served at /vocabulary).
// Built into src/crimjust_graph/static/editor.js by build.mjs; the page uses it through window.CJEditor.
//
// The editor lives in a shadow root: CodeMirror then puts its styles in a constructed style sheet
// (adoptedStyleSheets) rather than a <style> element, which the page's Content-Security-Policy
// (style-src 'self', no 'unsafe-inline') would refuse.

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  LanguageSupport,
  syntaxHighlighting,
  syntaxTree,
} from "@codemirror/language";
import { EditorState, Prec } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder,
} from "@codemirror/view";
import { styleTags, tags } from "@lezer/highlight";
import { SparqlLanguage } from "codemirror-lang-sparql";

const KEYWORDS = [
  "SELECT", "DISTINCT", "REDUCED", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND",
  "VALUES", "GROUP BY", "HAVING", "ORDER BY", "ASC", "DESC", "LIMIT", "OFFSET", "CONSTRUCT", "DESCRIBE",
  "ASK", "PREFIX", "BASE", "FROM", "FROM NAMED", "NOT EXISTS", "EXISTS", "COUNT", "SUM", "MIN", "MAX",
  "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI",
  "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "LCASE", "UCASE", "REGEX", "YEAR", "COALESCE",
  "IF", "IN", "NOT IN",
];
const LOCAL_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;

/** The shortest way to write an IRI: prefix:local when a predeclared prefix covers it, else <iri>. */
export function shorten(iri, prefixes) {
  let best = null;
  for (const [prefix, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && LOCAL_NAME.test(iri.slice(ns.length)) && (!best || ns.length > best[1].length)) {
      best = [prefix, ns];
    }
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : `<${iri}>`;
}

/** Completion options built once per vocabulary: what a bare word, a prefix: or an <iri may become. */
function buildOptions(vocabulary) {
  const prefixes = vocabulary.prefixes || {};
  const terms = [];
  for (const iri of vocabulary.classes || []) terms.push({ iri, type: "class", detail: "class" });
  for (const iri of vocabulary.predicates || []) terms.push({ iri, type: "property", detail: "predicate" });
  for (const [iri, name] of vocabulary.entities || []) terms.push({ iri, type: "constant", detail: name });
  const words = [];
  for (const [prefix, ns] of Object.entries(prefixes)) {
    words.push({ label: `${prefix}:`, type: "namespace", detail: ns, boost: -1 });
  }
  for (const word of KEYWORDS) words.push({ label: word, type: "keyword", boost: -2 });
  for (const term of terms) {
    if (term.type === "constant") continue;
    words.push({ label: shorten(term.iri, prefixes), type: term.type, detail: term.detail, iri: term.iri });
  }
  for (const [iri, name, others] of vocabulary.entities || []) {
    const written = shorten(iri, prefixes);
    words.push({ label: name, type: "constant", detail: written, apply: written, iri });
    for (const other of others || []) {
      if (other !== name) words.push({ label: other, type: "constant", detail: `${name}: ${written}`, apply: written, iri });
    }
  }
  const byPrefix = new Map();
  for (const term of terms) {
    const written = shorten(term.iri, prefixes);
    if (written.startsWith("<")) continue;
    const prefix = written.slice(0, written.indexOf(":"));
    if (!byPrefix.has(prefix)) byPrefix.set(prefix, []);
    byPrefix.get(prefix).push({ label: written, type: term.type, detail: term.detail, iri: term.iri });
  }
  const iris = terms.map((term) => ({ label: `<${term.iri}>`, type: term.type, detail: term.detail, iri: term.iri }));
  return { words, byPrefix, iris };
}

/** 'predicate' or 'class' when the syntax tree (or the word before) says which kind of term fits here. */
function position(state, from) {
  const before = state.sliceDoc(Math.max(0, from - 40), from);
  if (/(?:^|[\s;{])a\s+$/.test(before)) return "class";
  for (let node = syntaxTree(state).resolveInner(from, -1); node; node = node.parent) {
    if (node.name === "VerbPath" || node.name === "Verb" || node.name === "VerbSimple") return "predicate";
    if (node.name === "ObjectPath" || node.name === "Object" || node.name === "GroupGraphPattern") break;
  }
  if (/[;{.]\s*(?:\?\w+|\S+:\S*|<[^>]*>)\s+$/.test(before) || /;\s*$/.test(before)) return "predicate";
  return null;
}

function boosted(options, wanted) {
  if (!wanted) return options;
  const type = wanted === "predicate" ? "property" : "class";
  return options.map((option) => (option.type === type ? { ...option, boost: 5 } : option));
}

function completeSparql(getOptions) {
  return (context) => {
    for (let node = syntaxTree(context.state).resolveInner(context.pos, -1); node; node = node.parent) {
      if (node.name === "Comment" || node.name === "String") return null; // words there are not terms
    }
    const options = getOptions();
    const iri = context.matchBefore(/<[^<>\s"{}|^`\\]*$/);
    if (iri) return { from: iri.from, options: options.iris, validFor: /^<[^<>\s"{}|^`\\]*$/ };
    const variable = context.matchBefore(/[?$][A-Za-z0-9_]*$/);
    if (variable) {
      const seen = new Set(context.state.doc.toString().match(/[?$][A-Za-z_][A-Za-z0-9_]*/g) || []);
      seen.delete(variable.text);
      const names = [...seen].map((name) => ({ label: `?${name.slice(1)}`, type: "variable" }));
      return { from: variable.from, options: names, validFor: /^[?$][A-Za-z0-9_]*$/ };
    }
    const word = context.matchBefore(/[A-Za-z_][\w-]*:[\w.%-]*$|:[\w.%-]*$|[A-Za-z_][\w-]*$/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const wanted = position(context.state, word.from);
    const colon = word.text.indexOf(":");
    if (colon >= 0) {
      const inPrefix = options.byPrefix.get(word.text.slice(0, colon)) || [];
      return { from: word.from, options: boosted(inPrefix, wanted), validFor: /^[\w-]*:[\w.%-]*$/ };
    }
    return { from: word.from, options: boosted(options.words, wanted), validFor: /^[\w-]*$/ };
  };
}

// The grammar tags Iri and VerbPath, but a tag reaches only text its node's children leave uncovered, and
// PrefixedName / IriRef cover it all: tag the leaves, predicates (the verb of a triple) apart from others.
const PREDICATE = ["PathPrimary/Iri/PrefixedName/Pname_ln", "PathPrimary/Iri/PrefixedName/Pname_ns", "PathPrimary/Iri/IriRef",
  "VarOrIri/Iri/PrefixedName/Pname_ln", "VarOrIri/Iri/PrefixedName/Pname_ns", "VarOrIri/Iri/IriRef"];
const sparql = () =>
  new LanguageSupport(
    SparqlLanguage.configure({
      props: [styleTags({ "Pname_ln Pname_ns IriRef": tags.url, [PREDICATE.join(" ")]: tags.propertyName, A_predicate: tags.keyword })],
    }),
  );

// Colours for the tags the SPARQL grammar gives: keywords, variables, predicates, IRIs, literals, comments.
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "#7a1fa2", fontWeight: "600" },
  { tag: tags.variableName, color: "#0b5cad" },
  { tag: [tags.namespace, tags.propertyName], color: "#0d7a5f" },
  { tag: [tags.url, tags.typeName], color: "#a3480b" },
  { tag: tags.string, color: "#a31515" },
  { tag: [tags.integer, tags.float, tags.bool], color: "#116644" },
  { tag: tags.annotation, color: "#6b7785" },
  { tag: tags.comment, color: "#6b7785", fontStyle: "italic" },
]);

const theme = EditorView.theme({
  "&": { border: "1px solid #b9c2cc", borderRadius: "4px", fontSize: "13px", backgroundColor: "#fff" },
  "&.cm-focused": { outline: "2px solid #1f4f8f", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: "ui-monospace, monospace", lineHeight: "1.45", minHeight: "14rem", maxHeight: "32rem" },
  ".cm-content": { padding: "6px 0" },
  ".cm-gutters": { backgroundColor: "#f5f7f9", color: "#6b7785", borderRight: "1px solid #d5dbe1" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "#1f4f8f", color: "#fff" },
  ".cm-completionDetail": { marginLeft: "1em", color: "#6b7785", fontStyle: "normal" },
});

/**
 * Make an editor in `host` (its shadow root holds the editor and its styles).
 * onRun() is called on Ctrl+Enter / Cmd+Enter; onChange(text) after every edit.
 */
export function create({ host, doc, label, onRun, onChange }) {
  let options = buildOptions({});
  const shadow = host.attachShadow({ mode: "open" });
  const parent = document.createElement("div");
  shadow.appendChild(parent);
  const run = () => {
    onRun();
    return true;
  };
  const view = new EditorView({
    root: shadow,
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        Prec.highest(keymap.of([{ key: "Mod-Enter", run }, { key: "Shift-Enter", run }])),
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        syntaxHighlighting(highlight),
        sparql(),
        autocompletion({ override: [completeSparql(() => options)], activateOnTyping: true, maxRenderedOptions: 200 }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
        placeholder("SELECT … WHERE { … }"),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": label || "SPARQL query" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange(update.state.doc.toString());
        }),
        theme,
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus: () => view.focus(),
    setVocabulary(vocabulary) {
      options = buildOptions(vocabulary);
    },
  };
}

export { buildOptions, completeSparql };
