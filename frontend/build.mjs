// Bundle editor.mjs into the package's static/editor.js, with the licence of every npm package inside it
// in static/editor-licences.txt. Run with `npm ci && npm run build` in this folder (dev time only).
import { build } from "esbuild";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = join(here, "..", "src", "crimjust_graph", "static");

const result = await build({
  entryPoints: [join(here, "editor.mjs")],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "CJEditor",
  target: ["es2020"],
  legalComments: "none", // the licences go whole into editor-licences.txt
  banner: { js: "/* crimjust-graph query editor: CodeMirror 6 + codemirror-lang-sparql; licences in /static/editor-licences.txt */" },
  outfile: join(staticDir, "editor.js"),
  metafile: true,
});

const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.set(match[1], join(here, "node_modules", match[1]));
}
const parts = [
  "Licences of the npm packages bundled in editor.js (built by frontend/build.mjs from frontend/package-lock.json).\n",
];
for (const name of [...packages.keys()].sort()) {
  const folder = packages.get(name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying)(\.md|\.txt)?$/i.test(f));
  if (!file) throw new Error(`${name} ships no licence file: check its terms before bundling it`);
  parts.push(`${"=".repeat(78)}\n${name} ${meta.version} (${meta.license})\n${"=".repeat(78)}\n`);
  parts.push(readFileSync(join(folder, file), "utf8").trim() + "\n\n");
}
writeFileSync(join(staticDir, "editor-licences.txt"), parts.join(""));
console.log(`editor.js: ${packages.size} packages: ${[...packages.keys()].sort().join(", ")}`);
